import {
  incidentBody,
  incidentKey,
  incidentTitle,
  planIncidents,
  recoveryComment,
  type IncidentAction,
  type IncidentState,
  type OpenIncident,
} from './incidents';
import type { ProbeResult } from './probe';
import { deployField, deployLine, type ProbeAlertType, type ProbeContext } from './alert-context';
import { certEmbed, downEmbed, orphanComment, recoveryEmbed, reminderEmbed } from './messages';
import type { Outage } from './state';
import type { Embed } from '@sre-toolkit/discord';
import type {
  AlertOptions,
  AlertPlan,
  IncidentStore,
  MemorySettings,
  RunMemory,
  TargetFacts,
} from './alert-types';

export type { AlertOptions, AlertPlan, IncidentStore, MemorySettings, RunMemory, TargetFacts };

/** An alert's embed with its severity and runbook link, when the run has a context. */
export function withAlertContext(
  embed: Embed,
  name: string,
  type: ProbeAlertType,
  context: ProbeContext | undefined,
): Embed {
  return context ? context.alert(embed, name, type) : embed;
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
  const { store, memory } = options;
  const run: Run = {
    options,
    at: options.now.toISOString(),
    settings: memory?.settings ?? {
      failureThreshold: 1,
      successThreshold: 1,
      mentionOnReminder: false,
      certThresholds: () => [],
    },
    facts: (r) =>
      memory?.facts.get(r.name) ?? {
        downStreak: r.status === 'down' ? 1 : 0,
        upStreak: r.status === 'down' ? 0 : 1,
      },
    plan: {
      embeds: [],
      ping: false,
      issues: new Map(),
      actions: [],
      warnings: [],
      confirmedDown: new Set(),
      outages: new Map(),
      certAlerted: new Map(),
      forget: new Set(),
    },
  };
  if (memory) certificateAlerts(results, run);
  if (!store && !memory) return everyRun(results, run);

  let open: Map<string, OpenIncident>;
  if (store) {
    try {
      open = await store.findOpen([...results.map((r) => r.name), ...(memory?.removed ?? [])]);
    } catch (error) {
      run.plan.warnings.push(`${messageOf(error)} Alerting on every down target this run.`);
      return everyRun(results, run);
    }
  } else {
    // Memory without issues: an outage that alerted is the open incident.
    open = new Map();
    for (const r of results) {
      const o = run.facts(r).outage;
      if (o?.alerted && !o.acknowledged)
        open.set(r.name, { number: 0, url: '', state: outageState(r.name, o) });
    }
  }
  for (const action of planIncidents(results, open, options.now)) {
    if (action.kind === 'open') await openIncident(action, run);
    else if (action.kind === 'update') await updateIncident(action, run);
    else if (action.kind === 'close') await closeIncident(action, run);
    else {
      run.plan.actions.push(action);
      // An outage that never alerted ends with any answer; an acknowledged one with a recovery.
      const f = run.facts(action.result);
      const o = f.outage;
      if (
        memory &&
        o &&
        action.result.status !== 'down' &&
        (!o.alerted || f.upStreak >= run.settings.successThreshold)
      ) {
        run.plan.outages.set(action.result.name, undefined);
        if (o.acknowledged) options.log(`${action.result.name}: recovered from an acknowledged outage.`);
      }
    }
  }
  await closeOrphans(memory?.removed ?? [], open, run);
  return run.plan;
}

/** What the steps of one syncIncidents share: its options, clock, memory and the plan being built. */
interface Run {
  readonly options: AlertOptions;
  readonly at: string;
  readonly settings: MemorySettings;
  readonly facts: (r: ProbeResult) => TargetFacts;
  readonly plan: {
    -readonly [K in keyof AlertPlan]: AlertPlan[K] extends ReadonlySet<string> ? Set<string> : AlertPlan[K];
  } & { actions: IncidentAction[] };
}

/** Without incident memory: every down target (not in maintenance) alerts. */
function everyRun(results: readonly ProbeResult[], run: Run): AlertPlan {
  const down = results.filter((r) => r.status === 'down' && !run.facts(r).maintenance);
  for (const r of down) run.plan.confirmedDown.add(r.name);
  run.plan.embeds.push(
    ...down.map((r) =>
      withAlertContext(downEmbed(r, run.options.ctx), r.name, 'health-down', run.options.context),
    ),
  );
  run.plan.ping = down.length > 0;
  return run.plan;
}

/** Certificates: one warning per threshold crossed, not one per run; a renewed certificate starts over. */
function certificateAlerts(results: readonly ProbeResult[], run: Run): void {
  for (const r of results) {
    const f = run.facts(r);
    const days = r.cert_days_left;
    if (days === null || r.status === 'down' || f.maintenance) continue;
    const lowest = run.settings
      .certThresholds(r.name)
      .filter((t) => days < t)
      .at(-1);
    if (lowest === undefined) {
      if (f.certAlerted !== undefined) run.plan.certAlerted.set(r.name, undefined);
    } else if (f.certAlerted === undefined || lowest < f.certAlerted) {
      run.plan.embeds.push(
        withAlertContext(certEmbed(r, run.options.ctx), r.name, 'health-degraded', run.options.context),
      );
      run.plan.certAlerted.set(r.name, lowest);
      run.options.log(`${r.name}: certificate expires in ${days} days; alerting (threshold ${lowest} days).`);
    }
  }
}

/** A down target without an open incident: open one and alert, unless memory holds it back. */
async function openIncident(action: Extract<IncidentAction, { kind: 'open' }>, run: Run): Promise<void> {
  const { options, plan, settings } = run;
  const { store, ctx } = options;
  const r = action.result;
  const name = r.name;
  const f = run.facts(r);
  const o = f.outage;
  const none = (message: string) => {
    options.log(message);
    plan.actions.push({ kind: 'none', result: r });
  };
  if (f.maintenance) return none(`${name}: down, in maintenance (${f.maintenance}); no incident, no alert.`);
  // Our issue is gone while the outage goes on: someone closed it by hand.
  if (o?.acknowledged || (store && o?.issue && o.alerted)) {
    if (o && !o.acknowledged) plan.outages.set(name, { ...o, acknowledged: true, lastError: r.error ?? '' });
    return none(
      `${name}: still down; incident${o?.issue ? ` #${o.issue.number}` : ''} was closed by hand, so this outage is acknowledged: not reopened.`,
    );
  }
  const since = f.downSince ?? o?.since ?? run.at;
  if (f.downStreak < settings.failureThreshold) {
    plan.outages.set(name, { since, lastError: r.error ?? '', alerted: false });
    return none(
      `${name}: down (${f.downStreak} of ${settings.failureThreshold} runs before an incident opens); no alert yet.`,
    );
  }
  plan.confirmedDown.add(name);
  const state = { ...action.state, since, downChecks: Math.max(1, f.downStreak) };
  const start = new Date(since);
  const deploy = await options.context?.deployBefore(start, options.log);
  const body = incidentBody(r, state, ctx);
  let issue: { number: number; url: string } | undefined;
  if (store && !options.readOnly) {
    try {
      issue = await store.open(
        incidentKey(name),
        incidentTitle(name),
        deploy ? `${body}\n\n${deployLine(deploy, start)}` : body,
        state,
      );
      options.log(`${name}: down; opened incident #${issue.number}.`);
    } catch (error) {
      plan.warnings.push(`${name}: ${messageOf(error)} Alerting anyway.`);
    }
  } else
    options.log(
      store ? `${name}: down; would open an incident issue (dry run).` : `${name}: down; alerting.`,
    );
  if (issue) plan.issues.set(name, issue);
  plan.outages.set(name, {
    since,
    lastError: r.error ?? '',
    alerted: true,
    remindedAt: run.at,
    ...(issue ? { issue } : {}),
  });
  const down = downEmbed(r, ctx, issue);
  plan.embeds.push(
    withAlertContext(
      deploy ? { ...down, fields: [...(down.fields ?? []), deployField(deploy, start)] } : down,
      name,
      'health-down',
      options.context,
    ),
  );
  plan.ping = true;
  plan.actions.push({ ...action, state });
}

/** Still down with an open incident: update it silently, or remind every `remind-every`. */
async function updateIncident(action: Extract<IncidentAction, { kind: 'update' }>, run: Run): Promise<void> {
  const { options, plan, settings } = run;
  const r = action.result;
  const name = r.name;
  const f = run.facts(r);
  const issue = action.incident.number
    ? { number: action.incident.number, url: action.incident.url }
    : undefined;
  if (issue) plan.issues.set(name, issue);
  if (f.maintenance) {
    options.log(`${name}: down, in maintenance (${f.maintenance}); incident left as it is, no reminder.`);
    plan.actions.push({ kind: 'none', result: r });
    return;
  }
  plan.confirmedDown.add(name);
  const o: Outage = f.outage ?? { since: action.state.since, lastError: '', alerted: true };
  let next: Outage = { ...o, lastError: r.error ?? '', alerted: true, ...(issue ? { issue } : {}) };
  const last = Date.parse(o.remindedAt ?? o.since);
  if (
    options.memory &&
    settings.remindEveryMs !== undefined &&
    options.now.getTime() - last >= settings.remindEveryMs
  ) {
    plan.embeds.push(
      withAlertContext(
        reminderEmbed(r, o, options.now, options.ctx, f.week, issue),
        name,
        'health-down',
        options.context,
      ),
    );
    if (settings.mentionOnReminder) plan.ping = true;
    next = { ...next, remindedAt: run.at };
    options.log(`${name}: still down; reminder sent.`);
  } else {
    const n = action.state.downChecks;
    options.log(`${name}: still down (${issue ? `incident #${issue.number}, ` : ''}${n} runs); no alert.`);
  }
  if (options.memory) plan.outages.set(name, next);
  plan.actions.push(action);
  if (options.readOnly || !options.store) return;
  try {
    await options.store.update(
      action.incident,
      incidentKey(name),
      incidentBody(r, action.state, options.ctx),
      action.state,
    );
  } catch (error) {
    plan.warnings.push(`${name}: ${messageOf(error)}`);
  }
}

/** Answering with an open incident: close it with one recovery message after `success-threshold` runs. */
async function closeIncident(action: Extract<IncidentAction, { kind: 'close' }>, run: Run): Promise<void> {
  const { options, plan, settings } = run;
  const r = action.result;
  const name = r.name;
  const f = run.facts(r);
  const issue = action.incident.number
    ? { number: action.incident.number, url: action.incident.url }
    : undefined;
  if (issue) plan.issues.set(name, issue);
  if (f.upStreak < settings.successThreshold) {
    options.log(
      `${name}: answering (${f.upStreak} of ${settings.successThreshold} runs before the incident closes); still open.`,
    );
    plan.actions.push({ kind: 'none', result: r });
    return;
  }
  if (options.memory) plan.outages.set(name, undefined);
  const recovered = recoveryEmbed(r, action.state, action.downtimeMs, options.ctx, issue, f.week);
  plan.embeds.push(options.context ? options.context.recovery(recovered, name) : recovered);
  plan.actions.push(action);
  if (!options.store) return options.log(`${name}: recovered.`);
  if (options.readOnly) {
    options.log(`${name}: recovered; would close incident #${action.incident.number} (dry run).`);
    return;
  }
  try {
    const comment = recoveryComment(r, action.state, action.downtimeMs, options.ctx);
    await options.store.close(action.incident, incidentKey(name), comment, action.state);
    options.log(`${name}: recovered; closed incident #${action.incident.number}.`);
  } catch (error) {
    plan.warnings.push(`${name}: ${messageOf(error)}`);
  }
}

/** Targets removed from the config: their incident is closed with a comment saying so, and they are forgotten. */
async function closeOrphans(
  removed: readonly string[],
  open: ReadonlyMap<string, OpenIncident>,
  run: Run,
): Promise<void> {
  const { options, plan } = run;
  for (const name of removed) {
    plan.forget.add(name);
    const incident = open.get(name);
    if (!incident || !options.store) continue;
    if (options.readOnly) {
      options.log(`${name}: no longer configured; would close incident #${incident.number} (dry run).`);
      continue;
    }
    try {
      const state = incident.state ?? {
        target: name,
        since: run.at,
        lastDown: run.at,
        downChecks: 1,
        lastError: '',
      };
      await options.store.close(incident, incidentKey(name), orphanComment(name, options.ctx), state);
      options.log(`${name}: no longer configured; closed incident #${incident.number}.`);
    } catch (error) {
      plan.warnings.push(`${name}: ${messageOf(error)}`);
    }
  }
}

function outageState(target: string, o: Outage): IncidentState {
  return { target, since: o.since, lastDown: o.since, downChecks: 1, lastError: o.lastError };
}

/** Stores throw errors worded for the workflow author (see github-store.ts). */
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
