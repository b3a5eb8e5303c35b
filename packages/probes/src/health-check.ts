import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Runtime } from '@sre-toolkit/action';
import { buildMessages, NO_MENTIONS, type Mentions, type WebhookMessage } from '@sre-toolkit/discord';
import { syncIncidents, type AlertPlan, type IncidentStore } from './alerts';
import { httpClient, type Attempt } from './http-attempt';
import type { IncidentContext } from './incidents';
import { probeAll, type ProbeResult } from './probe';
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
  /** Seams for tests: the HTTP exchange and the pause between retries. */
  readonly attempt?: Attempt | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

export interface HealthCheck {
  readonly results: ProbeResult[];
  readonly plan: AlertPlan;
}

/** Probes every target (a log line each, a warning per degraded one), then opens, updates and closes incidents. */
export async function checkHealth(
  rt: Runtime,
  targets: readonly Target[],
  options: HealthCheckOptions,
): Promise<HealthCheck> {
  const client = options.attempt
    ? undefined
    : httpClient({ maxSockets: options.concurrency, userAgent: options.userAgent, proxyEnv: rt.env });
  const attempt = options.attempt ?? (client?.attempt as Attempt);
  const n = targets.length;
  rt.info(`Probing ${n} target${n === 1 ? '' : 's'}, ${options.concurrency} at a time.`);
  let results: ProbeResult[];
  try {
    results = await probeAll(targets, {
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
  for (const r of results) rt.info(resultLine(r));
  for (const r of results.filter((x) => x.status === 'degraded'))
    rt.warning(`${r.name} is degraded: ${r.error}`, 'Degraded');

  const plan = await syncIncidents(results, {
    ...(options.store ? { store: options.store } : {}),
    readOnly: options.readOnly,
    now: rt.now(),
    ctx: options.ctx,
    log: (m) => rt.info(m),
  });
  for (const w of plan.warnings) rt.warning(w, 'Incident issues');
  return { results, plan };
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
export function downMessage({ results }: HealthCheck): string | undefined {
  const down = results.filter((r) => r.status === 'down');
  if (!down.length) return undefined;
  const of = `${down.length} of ${results.length} target${results.length === 1 ? '' : 's'}`;
  return `${of} ${down.length === 1 ? 'is' : 'are'} down: ${down.map((r) => `${r.name} (${r.error})`).join('; ')}`;
}
