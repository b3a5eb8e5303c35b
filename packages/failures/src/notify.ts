import { oneLine, type Runtime } from '@sre-toolkit/action';
import {
  buildMessages,
  sendMessages,
  type Mentions,
  type Transport,
  type Webhook,
} from '@sre-toolkit/discord';
import type { DetectorAlert } from './incidents';

/** What a message needs of a notification (an alert without history has no scan target). */
export type Sendable = Pick<DetectorAlert, 'title' | 'embed' | 'pings'>;

export interface NotifyOptions {
  readonly webhooks: readonly Webhook[];
  readonly mention: Mentions;
  readonly dryRun: boolean;
  readonly failOnError: boolean;
  readonly userAgent: string;
  /** The Discord delivery budget (the `discord-timeout` input). */
  readonly timeoutMs: number;
  readonly transport?: Transport;
}

/**
 * Sends the scan's notifications and returns the ones that reached Discord. Alerts ping; recoveries
 * and cleared rates never do, so they travel in messages of their own. In a dry run, or without a
 * webhook, every message's full payload goes to the log and the job summary instead.
 */
export async function sendNotifications<N extends Sendable>(
  rt: Runtime,
  notifications: readonly N[],
  options: NotifyOptions,
): Promise<Set<N>> {
  const delivered = new Set<N>();
  if (options.dryRun) for (const n of notifications) rt.info(`Dry run: would send "${oneLine(n.title)}"`);
  const batches = [notifications.filter((n) => n.pings), notifications.filter((n) => !n.pings)].filter(
    (b) => b.length,
  );
  for (const batch of batches) {
    const messages = buildMessages(
      batch.map((n) => n.embed),
      batch[0]?.pings ? { mentions: options.mention } : {},
    );
    const outcome = await sendMessages(rt, options.webhooks, messages, {
      timeoutMs: options.timeoutMs,
      failOnError: options.failOnError,
      userAgent: options.userAgent,
      what: 'repeated-failure alert',
      dryRun: options.dryRun,
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
