import type { Runtime } from '@sre-toolkit/action';
import {
  buildMessages,
  postMessages,
  type Mentions,
  type Transport,
  type Webhook,
} from '@sre-toolkit/discord';
import { describeGitHubError } from '@sre-toolkit/github';
import type { Notification } from './incidents';

export interface NotifyOptions {
  readonly webhooks: readonly Webhook[];
  readonly mention: Mentions;
  readonly dryRun: boolean;
  readonly failOnError: boolean;
  readonly userAgent: string;
  readonly transport?: Transport;
}

/**
 * Sends the scan's notifications and returns the ones that reached Discord. Alerts ping; recoveries
 * and cleared rates never do, so they travel in messages of their own.
 */
export async function sendNotifications(
  rt: Runtime,
  notifications: readonly Notification[],
  options: NotifyOptions,
): Promise<Set<Notification>> {
  const delivered = new Set<Notification>();
  if (!notifications.length) return delivered;
  if (options.dryRun) {
    for (const n of notifications) rt.info(`Dry run: would send "${n.title}"`);
    return delivered;
  }
  if (!options.webhooks.length) {
    rt.info(`No webhook-url: ${notifications.length} notification(s) only in the job summary and issues.`);
    return delivered;
  }
  const batches = [notifications.filter((n) => n.pings), notifications.filter((n) => !n.pings)].filter(
    (b) => b.length,
  );
  for (const batch of batches) {
    const messages = buildMessages(
      batch.map((n) => n.embed),
      batch[0]?.pings ? { mentions: options.mention } : {},
    );
    const outcome = await postMessages(rt, options.webhooks, messages, {
      timeoutMs: 30_000,
      failOnError: options.failOnError,
      userAgent: options.userAgent,
      what: 'repeated-failure alert',
      ...(options.transport ? { transport: options.transport } : {}),
    });
    // A notification counts as sent when the message carrying it reached a webhook.
    const reached = Math.max(0, ...outcome.results.map((r) => r.delivered));
    let embedIndex = 0;
    messages.forEach((m, mi) => {
      for (let k = 0; k < (m.embeds?.length ?? 0); k++) {
        const n = batch[embedIndex++];
        if (n && mi < reached) delivered.add(n);
      }
    });
  }
  return delivered;
}

/** Names what was being read when GitHub refused, and the permission that would fix a 403. */
export function describeScanError(error: unknown, repository: string): string {
  const url =
    error && typeof error === 'object' && 'request' in error
      ? String((error.request as { url?: string } | undefined)?.url ?? '')
      : '';
  if (/\/issues/.test(url))
    return describeGitHubError(error, `listing issues of ${repository}`, 'issues: read');
  if (/\/actions\//.test(url))
    return describeGitHubError(error, `reading workflow runs of ${repository}`, 'actions: read');
  return describeGitHubError(error, `reading ${repository}`, 'contents: read');
}
