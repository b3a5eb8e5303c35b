import {
  incidentBody,
  incidentKey,
  incidentTitle,
  planIncidents,
  recoveryComment,
  type IncidentAction,
  type IncidentContext,
  type IncidentState,
  type OpenIncident,
} from './incidents';
import type { ProbeResult } from './probe';
import { downEmbed, recoveryEmbed } from './messages';
import type { Embed } from '@sre-toolkit/discord';

/** Where incidents live: GitHub issues in production, a map in unit tests. */
export interface IncidentStore {
  /** The open incident of each target that has one. */
  findOpen(targets: readonly string[]): Promise<Map<string, OpenIncident>>;
  open(
    key: string,
    title: string,
    body: string,
    state: IncidentState,
  ): Promise<{ number: number; url: string }>;
  update(incident: OpenIncident, key: string, body: string, state: IncidentState): Promise<void>;
  close(incident: OpenIncident, key: string, comment: string, state: IncidentState): Promise<void>;
}

export interface AlertPlan {
  /** Embeds for Discord: one per target that went down (or is down, without incidents) or recovered. */
  readonly embeds: Embed[];
  /** Whether the message should ping the configured mentions (only when something is down). */
  readonly ping: boolean;
  /** Incident issue per target name, for the report. */
  readonly issues: Map<string, { number: number; url: string }>;
  readonly actions: readonly IncidentAction[];
  /** Problems with the incident store, already described for the log; alerts fell back to every-run. */
  readonly warnings: string[];
}

export interface AlertOptions {
  readonly store?: IncidentStore;
  /** Dry run: read incidents, write nothing. */
  readonly readOnly: boolean;
  readonly now: Date;
  readonly ctx: IncidentContext;
  readonly log: (message: string) => void;
}

/**
 * Decides and records incidents, and returns what to tell Discord. Without a store (issue: false,
 * or GitHub unreachable) every run with a down target alerts, because there is no memory of the
 * previous run to stay quiet against.
 */
export async function syncIncidents(
  results: readonly ProbeResult[],
  options: AlertOptions,
): Promise<AlertPlan> {
  const { store, ctx, now } = options;
  const warnings: string[] = [];
  const everyRun = (): AlertPlan => {
    const down = results.filter((r) => r.status === 'down');
    return {
      embeds: down.map((r) => downEmbed(r, ctx)),
      ping: down.length > 0,
      issues: new Map(),
      actions: [],
      warnings,
    };
  };
  if (!store) return everyRun();

  let open: Map<string, OpenIncident>;
  try {
    open = await store.findOpen(results.map((r) => r.name));
  } catch (error) {
    warnings.push(`${messageOf(error)} Alerting on every down target this run.`);
    return everyRun();
  }
  const actions = planIncidents(results, open, now);
  const issues = new Map<string, { number: number; url: string }>();
  const embeds: Embed[] = [];
  let ping = false;
  for (const action of actions) {
    const name = action.result.name;
    const key = incidentKey(name);
    if (action.kind === 'none') continue;
    if (action.kind === 'open') {
      let issue: { number: number; url: string } | undefined;
      if (!options.readOnly) {
        try {
          issue = await store.open(
            key,
            incidentTitle(name),
            incidentBody(action.result, action.state, ctx),
            action.state,
          );
          options.log(`${name}: down; opened incident #${issue.number}.`);
        } catch (error) {
          warnings.push(`${name}: ${messageOf(error)} Alerting anyway.`);
        }
      } else options.log(`${name}: down; would open an incident issue (dry run).`);
      if (issue) issues.set(name, issue);
      embeds.push(downEmbed(action.result, ctx, issue));
      ping = true;
    } else if (action.kind === 'update') {
      issues.set(name, action.incident);
      options.log(
        `${name}: still down (incident #${action.incident.number}, ${action.state.downChecks} runs); no alert.`,
      );
      if (options.readOnly) continue;
      try {
        await store.update(
          action.incident,
          key,
          incidentBody(action.result, action.state, ctx),
          action.state,
        );
      } catch (error) {
        warnings.push(`${name}: ${messageOf(error)}`);
      }
    } else {
      issues.set(name, action.incident);
      embeds.push(recoveryEmbed(action.result, action.state, action.downtimeMs, ctx, action.incident));
      if (options.readOnly) {
        options.log(`${name}: recovered; would close incident #${action.incident.number} (dry run).`);
        continue;
      }
      try {
        await store.close(
          action.incident,
          key,
          recoveryComment(action.result, action.state, action.downtimeMs, ctx),
          action.state,
        );
        options.log(`${name}: recovered; closed incident #${action.incident.number}.`);
      } catch (error) {
        warnings.push(`${name}: ${messageOf(error)}`);
      }
    }
  }
  return { embeds, ping, issues, actions, warnings };
}

/** Stores throw errors worded for the workflow author (see github-store.ts). */
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
