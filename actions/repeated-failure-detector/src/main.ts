import { parseInputs, readRunContext, reportInputErrors, type Runtime } from '@sre-toolkit/action';
import type { Transport } from '@sre-toolkit/discord';
import {
  detect,
  detectorContext,
  EMPTY_OUTPUTS,
  reportDetection,
  reportUnread,
  sendNotifications,
  setOutputs,
  type NotifyOptions,
} from '@sre-toolkit/failures';
import { createGitHubClient } from '@sre-toolkit/github';
import { inputs } from './inputs';

export const USER_AGENT = 'sre-toolkit-repeated-failure-detector/1.0 (+https://github.com/features/actions)';

export async function run(rt: Runtime, transport?: Transport): Promise<void> {
  const parsed = parseInputs(inputs, rt);
  if (!parsed.ok) return reportInputErrors(rt, parsed.errors);
  const i = parsed.value;
  const ctx = readRunContext(rt.env);
  const where = detectorContext(ctx, rt.env, i.repository, rt.now());
  if ('skip' in where) {
    rt.info(where.skip);
    return setOutputs(rt, EMPTY_OUTPUTS);
  }

  const client = createGitHubClient({
    token: i['github-token'],
    baseUrl: ctx.apiUrl,
    userAgent: USER_AGENT,
    log: (m) => rt.info(m),
    budgetMs: i['github-timeout'],
  });
  const notify: NotifyOptions = {
    webhooks: i['webhook-url'],
    mention: i.mention,
    dryRun: i['dry-run'],
    failOnError: i['fail-on-error'],
    userAgent: USER_AGENT,
    timeoutMs: i['discord-timeout'],
    ...(transport ? { transport } : {}),
  };
  const found = await detect(rt, client, where, i);
  // GitHub failed mid-read: the triggering run may still be worth an alert (streak unknown).
  if ('error' in found) return reportUnread(rt, found.error, found, notify, where.repository);

  const delivered = await sendNotifications(rt, found.notifications, notify);
  reportDetection(rt, found, delivered, { ...i, repository: where.repository });
}
