import { parseInputs, readRunContext, reportInputErrors, type Runtime } from '@sre-toolkit/action';
import { sendMessages, type Transport } from '@sre-toolkit/discord';
import {
  alertMessages,
  checkHealth,
  contextFor,
  downMessage,
  incidentStoreFor,
  loadTargets,
  loadYamlFor,
  memoryFor,
  reportHealth,
  writeStatusPage,
  type Attempt,
  type IncidentStore,
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
  await loadYamlFor((name) => rt.input(name));
  const parsed = parseInputs(inputs, rt);
  if (!parsed.ok) return reportInputErrors(rt, parsed.errors);
  const i = parsed.value;
  const targets = loadTargets(
    rt,
    { targets: i.targets, config: i.config },
    {
      timeoutMs: i.timeout,
      retries: i.retries,
      retryDelayMs: i['retry-delay'],
      certExpiryDays: i['cert-expiry-days'],
    },
  );
  if ('errors' in targets) return reportInputErrors(rt, targets.errors);

  const ctx = readRunContext(rt.env);
  const github = {
    token: i['github-token'],
    userAgent: USER_AGENT,
    label: i['issue-label'],
    budgetMs: i['github-timeout'],
  };
  const store = i.issue ? (seams.store ?? incidentStoreFor(rt, ctx, github)) : undefined;
  const memory = memoryFor(rt, ctx, targets.value, github, i);
  const check = await checkHealth(rt, targets.value, {
    ...seams,
    store,
    concurrency: i.concurrency,
    userAgent: USER_AGENT,
    readOnly: i['dry-run'],
    ctx,
    context: contextFor(rt, ctx, targets.value, github, i),
    ...memory,
  });
  reportHealth(rt, check);
  if (i['status-page']) writeStatusPage(rt, check, i['status-page'], ctx);

  const messages = alertMessages(check, i.mention);
  if (!messages.length) rt.info('Nothing changed that needs an alert.');
  await sendMessages(rt, i['webhook-url'], messages, {
    timeoutMs: i['discord-timeout'],
    failOnError: false,
    userAgent: USER_AGENT,
    what: 'alert',
    dryRun: i['dry-run'],
    ...(seams.transport ? { transport: seams.transport } : {}),
  });
  const failure = i['fail-on-down'] ? downMessage(check) : undefined;
  if (failure) rt.setFailed(failure);
}
