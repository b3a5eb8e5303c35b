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
import { certEmbed, downEmbed, orphanComment, recoveryEmbed, reminderEmbed } from './messages';
import type { Outage, Uptime } from './state';
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
  /** Down targets that count as down for `fail-on-down` (with memory: past the failure threshold, not in maintenance). */
  readonly confirmedDown: ReadonlySet<string>;
  /** What the run changed in the memory: each target's outage (undefined: none), certificate alerts, targets to forget. */
  readonly outages: Map<string, Outage | undefined>;
  readonly certAlerted: Map<string, number | undefined>;
  readonly forget: Set<string>;
}

/** What health-probe remembers of each target, as of this run (its sample included). */
export interface TargetFacts {
  /** Consecutive down runs ending with this one (maintenance runs skipped). */
  readonly downStreak: number;
  readonly upStreak: number;
  /** ISO time of the first run of the current down streak. */
  readonly downSince?: string;
  readonly outage?: Outage;
  readonly certAlerted?: number;
  /** Why the target is in maintenance now (`window …`, `issue #12`), or undefined. */
  readonly maintenance?: string;
  /** The last 7 days, for the reminder and recovery messages. */
  readonly week?: Uptime;
}

export interface MemorySettings {
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** Undefined: never remind. */
  readonly remindEveryMs?: number | undefined;
  readonly mentionOnReminder: boolean;
  /** Certificate alert thresholds in days, per target, largest first. */
  readonly certThresholds: (target: string) => readonly number[];
}

/** The memory of the run: per result, and the targets the state knows that are no longer configured. */
export interface RunMemory {
  readonly settings: MemorySettings;
  readonly facts: ReadonlyMap<string, TargetFacts>;
  /** Targets in the state with an open incident issue that the config no longer lists. */
  readonly removed: readonly string[];
}

export interface AlertOptions {
  readonly store?: IncidentStore;
  /** Dry run: read incidents, write nothing. */
  readonly readOnly: boolean;
  readonly now: Date;
  readonly ctx: IncidentContext;
  readonly log: (message: string) => void;
  /** Memory across runs (the state branch); without it every run stands alone, as before. */
  readonly memory?: RunMemory;
}

/**
 * Decides and records incidents, and returns what to tell Discord. Without a store (issue: false,
 * or GitHub unreachable) and without memory, every run with a down target alerts, because there
 * is no memory of the previous run to stay quiet against. With memory, an outage alerts once it
 * has lasted `failure-threshold` runs and recovers after `success-threshold` good runs.
 */
export async function syncIncidents(
  results: readonly ProbeResult[],
  options: AlertOptions,
): Promise<AlertPlan> {
  const { store, ctx, now, memory } = options;
  const at = now.toISOString();
  const warnings: string[] = [];
  const outages = new Map<string, Outage | undefined>();
  const certAlerted = new Map<string, number | undefined>();
  const forget = new Set<string>();
  const confirmedDown = new Set<string>();
  const embeds: Embed[] = [];
  let ping = false;
  const facts = (r: ProbeResult): TargetFacts =>
    memory?.facts.get(r.name) ?? {
      downStreak: r.status === 'down' ? 1 : 0,
      upStreak: r.status === 'down' ? 0 : 1,
    };
  const settings: MemorySettings = memory?.settings ?? {
    failureThreshold: 1,
    successThreshold: 1,
    mentionOnReminder: false,
    certThresholds: () => [],
  };

  // Certificates: one warning per threshold crossed, not one per run (memory only).
  if (memory) {
    for (const r of results) {
      const f = facts(r);
      if (r.cert_days_left === null || r.status === 'down' || f.maintenance) continue;
      const thresholds = settings.certThresholds(r.name);
      const crossed = thresholds.filter((t) => r.cert_days_left !== null && r.cert_days_left < t);
      const lowest = crossed.at(-1);
      if (lowest === undefined) {
        if (f.certAlerted !== undefined) certAlerted.set(r.name, undefined);
      } else if (f.certAlerted === undefined || lowest < f.certAlerted) {
        embeds.push(certEmbed(r, ctx));
        certAlerted.set(r.name, lowest);
        options.log(
          `${r.name}: certificate expires in ${r.cert_days_left} days; alerting (threshold ${lowest} days).`,
        );
      }
    }
  }

  const everyRun = (): AlertPlan => {
    const down = results.filter((r) => r.status === 'down' && !facts(r).maintenance);
    for (const r of down) confirmedDown.add(r.name);
    return {
      embeds: [...embeds, ...down.map((r) => downEmbed(r, ctx))],
      ping: down.length > 0,
      issues: new Map(),
      actions: [],
      warnings,
      confirmedDown,
      outages,
      certAlerted,
      forget,
    };
  };
  if (!store && !memory) return everyRun();

  let open: Map<string, OpenIncident>;
  if (store) {
    try {
      open = await store.findOpen([...results.map((r) => r.name), ...(memory?.removed ?? [])]);
    } catch (error) {
      warnings.push(`${messageOf(error)} Alerting on every down target this run.`);
      return everyRun();
    }
  } else {
    // Memory without issues: an outage that alerted is the open incident.
    open = new Map();
    for (const r of results) {
      const o = facts(r).outage;
      if (o?.alerted && !o.acknowledged)
        open.set(r.name, { number: 0, url: '', state: outageState(r.name, o) });
    }
  }

  const planned = planIncidents(results, open, now);
  const actions: IncidentAction[] = [];
  const issues = new Map<string, { number: number; url: string }>();
  for (const action of planned) {
    const r = action.result;
    const name = r.name;
    const f = facts(r);
    const key = incidentKey(name);
    const issueOf = (i: OpenIncident) => (i.number ? { number: i.number, url: i.url } : undefined);

    if (action.kind === 'open') {
      // Memory may hold the alert back: maintenance, a hand-closed issue, or too few down runs yet.
      if (f.maintenance) {
        options.log(`${name}: down, in maintenance (${f.maintenance}); no incident, no alert.`);
        actions.push({ kind: 'none', result: r });
        continue;
      }
      const o = f.outage;
      const handClosed = Boolean(store && o?.issue && o.alerted);
      if (o?.acknowledged || handClosed) {
        options.log(
          `${name}: still down; incident${o?.issue ? ` #${o.issue.number}` : ''} was closed by hand, so this outage is acknowledged: not reopened.`,
        );
        if (!o?.acknowledged && o) outages.set(name, { ...o, acknowledged: true, lastError: r.error ?? '' });
        actions.push({ kind: 'none', result: r });
        continue;
      }
      const since = f.downSince ?? o?.since ?? at;
      if (f.downStreak < settings.failureThreshold) {
        options.log(
          `${name}: down (${f.downStreak} of ${settings.failureThreshold} runs before an incident opens); no alert yet.`,
        );
        outages.set(name, { since, lastError: r.error ?? '', alerted: false });
        actions.push({ kind: 'none', result: r });
        continue;
      }
      confirmedDown.add(name);
      const state = { ...action.state, since, downChecks: Math.max(1, f.downStreak) };
      let issue: { number: number; url: string } | undefined;
      if (store && !options.readOnly) {
        try {
          issue = await store.open(key, incidentTitle(name), incidentBody(r, state, ctx), state);
          options.log(`${name}: down; opened incident #${issue.number}.`);
        } catch (error) {
          warnings.push(`${name}: ${messageOf(error)} Alerting anyway.`);
        }
      } else if (store) options.log(`${name}: down; would open an incident issue (dry run).`);
      else options.log(`${name}: down; alerting.`);
      if (issue) issues.set(name, issue);
      outages.set(name, {
        since,
        lastError: r.error ?? '',
        alerted: true,
        remindedAt: at,
        ...(issue ? { issue } : {}),
      });
      embeds.push(downEmbed(r, ctx, issue));
      ping = true;
      actions.push({ ...action, state });
    } else if (action.kind === 'update') {
      const issue = issueOf(action.incident);
      if (issue) issues.set(name, issue);
      if (f.maintenance) {
        options.log(`${name}: down, in maintenance (${f.maintenance}); incident left as it is, no reminder.`);
        actions.push({ kind: 'none', result: r });
        continue;
      }
      confirmedDown.add(name);
      const o: Outage = f.outage ?? {
        since: action.state.since,
        lastError: r.error ?? '',
        alerted: true,
        ...(issue ? { issue } : {}),
      };
      let next: Outage = { ...o, lastError: r.error ?? '', alerted: true, ...(issue ? { issue } : {}) };
      const last = Date.parse(o.remindedAt ?? o.since);
      if (memory && settings.remindEveryMs !== undefined && now.getTime() - last >= settings.remindEveryMs) {
        embeds.push(reminderEmbed(r, o, now, ctx, f.week, issue));
        if (settings.mentionOnReminder) ping = true;
        next = { ...next, remindedAt: at };
        options.log(`${name}: still down; reminder sent.`);
      } else {
        options.log(
          `${name}: still down (${issue ? `incident #${issue.number}, ` : ''}${action.state.downChecks} runs); no alert.`,
        );
      }
      if (memory) outages.set(name, next);
      actions.push(action);
      if (options.readOnly || !store) continue;
      try {
        await store.update(action.incident, key, incidentBody(r, action.state, ctx), action.state);
      } catch (error) {
        warnings.push(`${name}: ${messageOf(error)}`);
      }
    } else if (action.kind === 'close') {
      const issue = issueOf(action.incident);
      if (issue) issues.set(name, issue);
      if (f.upStreak < settings.successThreshold) {
        options.log(
          `${name}: answering (${f.upStreak} of ${settings.successThreshold} runs before the incident closes); still open.`,
        );
        actions.push({ kind: 'none', result: r });
        continue;
      }
      if (memory) outages.set(name, undefined);
      embeds.push(recoveryEmbed(r, action.state, action.downtimeMs, ctx, issue, f.week));
      actions.push(action);
      if (!store) {
        options.log(`${name}: recovered.`);
        continue;
      }
      if (options.readOnly) {
        options.log(`${name}: recovered; would close incident #${action.incident.number} (dry run).`);
        continue;
      }
      try {
        await store.close(
          action.incident,
          key,
          recoveryComment(r, action.state, action.downtimeMs, ctx),
          action.state,
        );
        options.log(`${name}: recovered; closed incident #${action.incident.number}.`);
      } catch (error) {
        warnings.push(`${name}: ${messageOf(error)}`);
      }
    } else {
      actions.push(action);
      // An outage that never alerted ends with any answer; an acknowledged one with a recovery.
      const o = f.outage;
      if (memory && o && r.status !== 'down' && (!o.alerted || f.upStreak >= settings.successThreshold)) {
        outages.set(name, undefined);
        if (o.acknowledged) options.log(`${name}: recovered from an acknowledged outage.`);
      }
    }
  }

  // Targets removed from the config: their incident is closed with a comment saying so, and they are forgotten.
  for (const name of memory?.removed ?? []) {
    forget.add(name);
    const incident = open.get(name);
    if (!incident || !store) continue;
    if (options.readOnly) {
      options.log(`${name}: no longer configured; would close incident #${incident.number} (dry run).`);
      continue;
    }
    try {
      const state = incident.state ?? {
        target: name,
        since: at,
        lastDown: at,
        downChecks: 1,
        lastError: '',
      };
      await store.close(incident, incidentKey(name), orphanComment(name, ctx), state);
      options.log(`${name}: no longer configured; closed incident #${incident.number}.`);
    } catch (error) {
      warnings.push(`${name}: ${messageOf(error)}`);
    }
  }
  return { embeds, ping, issues, actions, warnings, confirmedDown, outages, certAlerted, forget };
}

function outageState(target: string, o: Outage): IncidentState {
  return { target, since: o.since, lastDown: o.since, downChecks: 1, lastError: o.lastError };
}

/** Stores throw errors worded for the workflow author (see github-store.ts). */
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
