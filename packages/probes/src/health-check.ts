import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Runtime } from '@sre-toolkit/action';
import { buildMessages, NO_MENTIONS, type Mentions, type WebhookMessage } from '@sre-toolkit/discord';
import {
  syncIncidents,
  withAlertContext,
  type AlertPlan,
  type IncidentStore,
  type MemorySettings,
  type RunMemory,
  type TargetFacts,
} from './alerts';
import type { ProbeContext } from './alert-context';
import { monotonicMs } from './clock';
import { httpClient, type Attempt } from './http-attempt';
import type { IncidentContext } from './incidents';
import { maintenanceOf, type MaintenanceIssue, type MaintenanceWindow } from './maintenance';
import { downEmbed } from './messages';
import { probeAll, type ProbeResult } from './probe';
import {
  applyChange,
  SAMPLE_CODE,
  streaks,
  uptimeOver,
  WINDOWS,
  type HealthState,
  type Sample,
  type StateChange,
  type Uptime,
  type WindowName,
} from './state';
import type { StateStore } from './state-store';
import { reportMarkdown, resultLine } from './summary';
import { parseTargets, type Target, type TargetDefaults, type TargetsParse } from './targets';

/**
 * One health-probe run, as the action wires it: read the targets, probe them, keep the incidents,
 * report. Delivery to Discord and failing the step stay with the action.
 */

/** The targets of the inputs, and of the `config` file (relative to the workspace), its secrets registered as it is read. */
export function loadTargets(
  rt: Runtime,
  sources: { readonly targets: string; readonly config: string },
  defaults: TargetDefaults,
): TargetsParse {
  const workspace = rt.env.GITHUB_WORKSPACE || process.cwd();
  return parseTargets(
    sources,
    defaults,
    (path) => readFileSync(isAbsolute(path) ? path : join(workspace, path), 'utf8'),
    (secret) => rt.setSecret(secret),
  );
}

export interface HealthCheckOptions {
  readonly concurrency: number;
  readonly userAgent: string;
  /** Without a store (issue: false, or no token), every run with a down target alerts. */
  readonly store?: IncidentStore | undefined;
  /** Dry run: read incidents, write none. */
  readonly readOnly: boolean;
  readonly ctx: IncidentContext;
  /** Severity, runbook link and deploy context on every alert (issue #14). */
  readonly context?: ProbeContext | undefined;
  /** Memory across runs (`state-branch`); undefined runs each probe on its own, as before. */
  readonly memory?: { readonly store: StateStore; readonly settings: MemorySettings } | undefined;
  readonly maintenance?: {
    readonly windows: readonly MaintenanceWindow[];
    /** Open `maintenance` issues; rejects with a message for the log. */
    readonly issues?: (() => Promise<MaintenanceIssue[]>) | undefined;
  };
  /** Seams for tests: the HTTP exchange and the pause between retries. */
  readonly attempt?: Attempt | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** A result as reported: with memory, its maintenance and uptime history. */
export type ReportedResult = ProbeResult & {
  /** Why the target is in maintenance (`window …`, `issue #12`), or null. */
  readonly maintenance: string | null;
  /** Uptime and latency per window, when the run has memory. */
  readonly history?: Readonly<Record<WindowName, Uptime>>;
};

export interface HealthCheck {
  readonly results: ReportedResult[];
  readonly plan: AlertPlan;
  /** The state as this run leaves it (written or not), when the run has memory. */
  readonly state?: HealthState;
  readonly now: Date;
}

/**
 * Probes every target (a log line each, a warning per degraded one), then opens, updates and
 * closes incidents, remembering what it saw on the state branch when it has memory.
 */
export async function checkHealth(
  rt: Runtime,
  targets: readonly Target[],
  options: HealthCheckOptions,
): Promise<HealthCheck> {
  const now = rt.now();
  // The state, the maintenance issues and the open incidents are read while the targets are probed.
  options.store?.prefetch?.();
  const readStarted = monotonicMs();
  let readMs = 0;
  const stateRead = options.memory?.store.read(now).then((r) => {
    readMs = Math.round(monotonicMs() - readStarted);
    return r;
  });
  const issuesRead = options.maintenance?.issues?.().then(
    (list) => list,
    (error: unknown) => {
      rt.warning(
        `${error instanceof Error ? error.message : String(error)} Maintenance issues are not honoured this run.`,
        'Maintenance',
      );
      return [] as MaintenanceIssue[];
    },
  );
  const client = options.attempt
    ? undefined
    : httpClient({ maxSockets: options.concurrency, userAgent: options.userAgent, proxyEnv: rt.env });
  const attempt = options.attempt ?? (client?.attempt as Attempt);
  const n = targets.length;
  rt.info(`Probing ${n} target${n === 1 ? '' : 's'}, ${options.concurrency} at a time.`);
  let probed: ProbeResult[];
  try {
    probed = await probeAll(targets, {
      attempt,
      concurrency: options.concurrency,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      now: () => rt.now(),
      onRetry: (t, i, error) =>
        rt.info(`${t.name}: attempt ${i} failed (${error}); retrying in ${t.retryDelayMs / 1000} s.`),
    });
  } finally {
    client?.close();
  }
  const maintenanceIssues = (await issuesRead) ?? [];
  const windows = options.maintenance?.windows ?? [];
  const results: ReportedResult[] = probed.map((r) => ({
    ...r,
    maintenance: maintenanceOf(r.name, now, windows, maintenanceIssues) ?? null,
  }));
  for (const r of results)
    rt.info(`${resultLine(r)}${r.maintenance ? ` [maintenance: ${r.maintenance}]` : ''}`);
  for (const r of results.filter((x) => x.status === 'degraded'))
    rt.warning(`${r.name} is degraded: ${r.error}`, 'Degraded');

  const read = await stateRead;
  if (read?.kind === 'unavailable') rt.warning(read.warning, 'Health state');
  const state = read?.kind === 'ok' ? read.state : undefined;
  const samples = new Map<string, Sample>(
    results.map((r) => [
      r.name,
      {
        t: now.toISOString(),
        s: r.maintenance && r.status !== 'up' ? SAMPLE_CODE.maintenance : SAMPLE_CODE[r.status],
        ms: r.response_ms,
      },
    ]),
  );
  const noChange: StateChange = { samples, outage: new Map(), certAlerted: new Map(), forget: new Set() };
  const memory =
    state && options.memory ? memoryOf(state, results, noChange, options.memory.settings, now) : undefined;

  const plan = await syncIncidents(results, {
    ...(options.store ? { store: options.store } : {}),
    readOnly: options.readOnly,
    now,
    ctx: options.ctx,
    context: options.context,
    log: (m) => rt.info(m),
    ...(memory ? { memory } : {}),
  });
  for (const w of plan.warnings) rt.warning(w, 'Incident issues');
  if (!state || !options.memory) return { results, plan, now };

  const change: StateChange = {
    samples,
    outage: plan.outages,
    certAlerted: plan.certAlerted,
    forget: plan.forget,
  };
  const after = applyChange(state, change, now);
  let final = plan;
  if (options.readOnly) rt.info('Dry run: the state is not written.');
  else if (!(await saveState(rt, options.memory.store, change, now, readMs))) {
    // Not remembered, this run's down targets would be held back by the threshold forever: alert as without memory.
    const held = results.filter(
      (r) => r.status === 'down' && !r.maintenance && !plan.confirmedDown.has(r.name),
    );
    if (held.length) {
      final = {
        ...plan,
        embeds: [
          ...plan.embeds,
          ...held.map((r) =>
            withAlertContext(
              downEmbed(r, options.ctx, plan.issues.get(r.name)),
              r.name,
              'health-down',
              options.context,
            ),
          ),
        ],
        ping: true,
        confirmedDown: new Set([...plan.confirmedDown, ...held.map((r) => r.name)]),
      };
    }
  }
  return { results: results.map((r) => withHistory(r, after, now)), plan: final, state: after, now };
}

/** What memory knows of each target with this run's sample counted, and the configured-no-more targets. */
function memoryOf(
  state: HealthState,
  results: readonly ReportedResult[],
  thisRun: StateChange,
  settings: MemorySettings,
  now: Date,
): RunMemory {
  const seen = applyChange(state, thisRun, now);
  const facts = new Map<string, TargetFacts>();
  for (const r of results) {
    const m = seen.targets[r.name];
    const list = m?.samples ?? [];
    const s = streaks(list);
    const counted = list.filter((x) => x.s !== 'm');
    const firstDown = s.down ? counted[counted.length - s.down]?.t : undefined;
    facts.set(r.name, {
      downStreak: s.down,
      upStreak: s.up,
      ...(firstDown ? { downSince: firstDown } : {}),
      ...(m?.outage ? { outage: m.outage } : {}),
      ...(m?.certAlerted !== undefined ? { certAlerted: m.certAlerted } : {}),
      ...(r.maintenance ? { maintenance: r.maintenance } : {}),
      ...(m ? { week: uptimeOver(m, now, WINDOWS['7d']) } : {}),
    });
  }
  const names = new Set(results.map((r) => r.name));
  const removed = Object.entries(state.targets)
    .filter(([name, m]) => !names.has(name) && m.outage?.issue)
    .map(([name]) => name);
  return { settings, facts, removed };
}

/** Writes the state; false (with a warning) when it could not be saved. */
async function saveState(
  rt: Runtime,
  store: StateStore,
  change: StateChange,
  now: Date,
  readMs: number,
): Promise<boolean> {
  const started = monotonicMs();
  const written = await store.write(change, now);
  const writeMs = Math.round(monotonicMs() - started);
  if (written.kind === 'failed') {
    rt.warning(written.warning, 'Health state');
    return false;
  }
  rt.info(
    `State saved: ${store.requests()} GitHub requests, read ${readMs} ms (alongside the probes), write ${writeMs} ms${written.retried ? ', merged with a concurrent run' : ''}.`,
  );
  return true;
}

function withHistory(r: ReportedResult, state: HealthState, now: Date): ReportedResult {
  const m = state.targets[r.name];
  if (!m) return r;
  const over = (w: WindowName) => uptimeOver(m, now, WINDOWS[w]);
  return { ...r, history: { '24h': over('24h'), '7d': over('7d'), '30d': over('30d') } };
}

/** The job summary and the outputs: `results`, `down`, `degraded`, `report`. */
export function reportHealth(rt: Runtime, { results, plan }: HealthCheck): void {
  const report = reportMarkdown(results, { issues: plan.issues });
  rt.appendSummary(report);
  rt.setOutput('results', JSON.stringify(results));
  rt.setOutput('down', String(results.filter((r) => r.status === 'down').length));
  rt.setOutput('degraded', String(results.filter((r) => r.status === 'degraded').length));
  rt.setOutput('report', report);
}

/** The Discord messages of a run: its embeds, pinging `mention` only when something went down. */
export function alertMessages({ plan }: HealthCheck, mention: Mentions): WebhookMessage[] {
  if (!plan.embeds.length) return [];
  return buildMessages(plan.embeds, { mentions: plan.ping ? mention : NO_MENTIONS });
}

/** Why the step fails (`fail-on-down`), or undefined when nothing is down. */
export function downMessage({ results, plan }: HealthCheck): string | undefined {
  const down = results.filter((r) => r.status === 'down' && plan.confirmedDown.has(r.name));
  if (!down.length) return undefined;
  const of = `${down.length} of ${results.length} target${results.length === 1 ? '' : 's'}`;
  return `${of} ${down.length === 1 ? 'is' : 'are'} down: ${down.map((r) => `${r.name} (${r.error})`).join('; ')}`;
}
