import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseInputs, readRunContext, reportInputErrors, type Runtime } from '@sre-toolkit/action';
import {
  buildMessages,
  messageMarkdown,
  NO_MENTIONS,
  postMessages,
  type Transport,
} from '@sre-toolkit/discord';
import {
  createIncidentStore,
  httpClient,
  parseTargets,
  probeAll,
  reportMarkdown,
  resultLine,
  syncIncidents,
  targetSecrets,
  type Attempt,
  type IncidentStore,
  type ProbeResult,
} from '@sre-toolkit/probes';
import { inputs } from './inputs';

export const USER_AGENT = 'sre-toolkit-health-probe/1.0 (+https://github.com/features/actions)';

export interface Seams {
  readonly attempt?: Attempt;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly store?: IncidentStore;
  readonly transport?: Transport;
}

export async function run(rt: Runtime, seams: Seams = {}): Promise<void> {
  const parsed = parseInputs(inputs, rt);
  if (!parsed.ok) return reportInputErrors(rt, parsed.errors);
  const i = parsed.value;
  const workspace = rt.env.GITHUB_WORKSPACE || process.cwd();
  const targets = parseTargets(
    { targets: i.targets, config: i.config },
    {
      timeoutMs: i.timeout,
      retries: i.retries,
      retryDelayMs: i['retry-delay'],
      certExpiryDays: i['cert-expiry-days'],
    },
    (path) => readFileSync(isAbsolute(path) ? path : join(workspace, path), 'utf8'),
  );
  if ('errors' in targets) return reportInputErrors(rt, targets.errors);
  // Before the first line of log: header values, URL credentials and query tokens.
  for (const t of targets.value) for (const secret of targetSecrets(t)) rt.setSecret(secret);

  const client = seams.attempt
    ? undefined
    : httpClient({ maxSockets: i.concurrency, userAgent: USER_AGENT, proxyEnv: rt.env });
  const attempt = seams.attempt ?? (client?.attempt as Attempt);
  rt.info(
    `Probing ${targets.value.length} target${targets.value.length === 1 ? '' : 's'}, ${i.concurrency} at a time.`,
  );
  let results: ProbeResult[];
  try {
    results = await probeAll(targets.value, {
      attempt,
      concurrency: i.concurrency,
      ...(seams.sleep ? { sleep: seams.sleep } : {}),
      now: () => rt.now(),
      onRetry: (t, n, error) =>
        rt.info(`${t.name}: attempt ${n} failed (${error}); retrying in ${t.retryDelayMs / 1000} s.`),
    });
  } finally {
    client?.close();
  }
  for (const r of results) rt.info(resultLine(r));
  for (const r of results.filter((x) => x.status === 'degraded'))
    rt.warning(`${r.name} is degraded: ${r.error}`, 'Degraded');

  const ctx = readRunContext(rt.env);
  let store = seams.store;
  if (!store && i.issue) {
    if (!i['github-token'] || !ctx.owner) {
      rt.warning('issue is true but there is no github-token or repository; alerting on every down target.');
    } else {
      store = createIncidentStore({
        token: i['github-token'],
        baseUrl: ctx.apiUrl,
        userAgent: USER_AGENT,
        log: (m) => rt.info(m),
        owner: ctx.owner,
        repo: ctx.repo,
        label: i['issue-label'],
        budgetMs: i['github-timeout'],
      });
    }
  }
  const plan = await syncIncidents(results, {
    ...(i.issue && store ? { store } : {}),
    readOnly: i['dry-run'],
    now: rt.now(),
    ctx: { repository: ctx.repository, runUrl: ctx.runUrl, workflow: ctx.workflow },
    log: (m) => rt.info(m),
  });
  for (const w of plan.warnings) rt.warning(w, 'Incident issues');

  const down = results.filter((r) => r.status === 'down');
  const report = reportMarkdown(results, { issues: plan.issues });
  rt.appendSummary(report);
  rt.setOutput('results', JSON.stringify(results));
  rt.setOutput('down', String(down.length));
  rt.setOutput('degraded', String(results.filter((r) => r.status === 'degraded').length));
  rt.setOutput('report', report);

  if (plan.embeds.length) {
    const messages = buildMessages(plan.embeds, { mentions: plan.ping ? i.mention : NO_MENTIONS });
    if (i['dry-run'] || !i['webhook-url'].length) {
      const why = i['dry-run'] ? 'dry run' : 'no webhook-url';
      rt.info(`Discord alert not sent (${why}):\n${JSON.stringify(messages, null, 2)}`);
      rt.appendSummary(`### Discord alert (not sent: ${why})\n\n${messages.map(messageMarkdown).join('\n')}`);
    } else {
      await postMessages(rt, i['webhook-url'], messages, {
        timeoutMs: 30_000,
        failOnError: false,
        userAgent: USER_AGENT,
        what: 'health alert',
        ...(seams.transport ? { transport: seams.transport } : {}),
      });
    }
  } else rt.info('Nothing changed that needs an alert.');

  if (down.length && i['fail-on-down']) {
    rt.setFailed(
      `${down.length} of ${results.length} target${results.length === 1 ? '' : 's'} ${down.length === 1 ? 'is' : 'are'} down: ${down.map((r) => `${r.name} (${r.error})`).join('; ')}`,
    );
  }
}
