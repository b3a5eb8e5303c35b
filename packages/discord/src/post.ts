import { cell, rule, splitList, table, type Runtime } from '@sre-toolkit/action';
import { deliverAll, type DeliveryResult } from './deliver';
import { shownText } from './markdown';
import type { WebhookMessage } from './message';
import { nodeTransport, type Transport } from './transport';
import { FOREIGN_HOST_RULE, parseWebhookUrl, type Webhook } from './webhook-url';

/**
 * Registers every webhook URL (whole, normalized, and its token) as a secret before anything is
 * parsed or logged: GitHub masks only exact strings it was told about.
 */
export function maskWebhookUrls(text: string, setSecret: (value: string) => void): void {
  for (const line of splitList(text)) {
    setSecret(line);
    const parsed = parseWebhookUrl(line);
    if ('value' in parsed) {
      setSecret(parsed.value.token);
      setSecret(parsed.value.url);
    } else {
      const token = /\/webhooks\/\d+\/([^/?#\s]+)/.exec(line)?.[1];
      if (token) setSecret(token);
    }
  }
}

/** The `webhook-url` input: one URL per line (commas also work), every one checked. */
export const webhookUrls = () =>
  rule<Webhook[]>((text) => {
    const lines = splitList(text);
    const hooks: Webhook[] = [];
    for (const [i, line] of lines.entries()) {
      const parsed = parseWebhookUrl(line);
      if ('error' in parsed) return { error: `${lines.length > 1 ? `line ${i + 1} ` : ''}${parsed.error}` };
      hooks.push(parsed.value);
    }
    return { value: hooks };
  });

export interface PostOptions {
  readonly timeoutMs: number;
  readonly failOnError: boolean;
  readonly userAgent: string;
  /** What the summary calls the message if it cannot be delivered, e.g. "CI notification". */
  readonly what: string;
  readonly transport?: Transport;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Send to webhooks outside Discord's hosts (a relay); off by default, so a token stays with Discord. */
  readonly allowAnyHost?: boolean;
  /** Edit this message with the first message instead of posting it (a new post if it is gone). */
  readonly editMessageId?: string;
}

export interface PostOutcome {
  readonly results: DeliveryResult[];
  readonly sent: boolean;
  readonly messageIds: string[];
}

/**
 * Delivers messages to every webhook and tells the workflow what happened: an info line per
 * delivery, a `::warning` per failure (naming the webhook by id), the undelivered message in the
 * job summary so nothing is lost, and a failed step only when `fail-on-error` asks for it.
 */
export async function postMessages(
  runtime: Runtime,
  webhooks: readonly Webhook[],
  messages: readonly WebhookMessage[],
  options: PostOptions,
): Promise<PostOutcome> {
  const refused: DeliveryResult[] = webhooks
    .filter((w) => !w.discordHost && !options.allowAnyHost)
    .map((webhook) => ({
      webhook,
      ok: false,
      messageIds: [],
      delivered: 0,
      attempts: 0,
      reason: `not sent: the URL ${FOREIGN_HOST_RULE}`,
    }));
  const own = options.transport ? undefined : nodeTransport({ proxyEnv: runtime.env });
  const transport = options.transport ?? (own as Transport);
  let results: DeliveryResult[];
  try {
    const allowed = webhooks.filter((w) => w.discordHost || options.allowAnyHost);
    results = await deliverAll(allowed, messages, {
      transport,
      timeoutMs: options.timeoutMs,
      userAgent: options.userAgent,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.editMessageId ? { editMessageId: options.editMessageId } : {}),
      log: (m) => runtime.info(m),
    });
  } finally {
    own?.close();
  }
  results = [...refused, ...results];
  const failed = results.filter((r) => !r.ok);
  for (const r of results) {
    if (r.editMissing) {
      const now = r.messageIds[0]
        ? `posted a new message (${r.messageIds[0]}) instead`
        : 'posting a new one failed';
      const text = `Message ${r.editMissing} to edit is gone from ${r.webhook.label} (deleted, or in another channel or thread): ${now}.`;
      runtime.warning(text, 'Discord message to edit not found');
      runtime.appendSummary(`> [!WARNING]\n> ${text}\n`);
    }
    if (r.ok) {
      const ids = r.messageIds.length ? ` (message ${r.messageIds.join(', ')})` : '';
      const verb = r.edited ? `Edited message ${r.edited} and delivered` : 'Delivered';
      runtime.info(
        `${verb} ${r.delivered} message${r.delivered === 1 ? '' : 's'} to ${r.webhook.label}${ids}.`,
      );
    } else {
      runtime.warning(
        `Could not deliver to ${r.webhook.label}: ${r.reason ?? 'unknown error'}.`,
        'Discord delivery failed',
      );
    }
  }
  if (failed.length) {
    runtime.appendSummary(undeliveredSummary(options.what, failed, messages));
    if (options.failOnError) {
      runtime.setFailed(
        `${failed.length} of ${results.length} Discord webhook${results.length === 1 ? '' : 's'} did not receive the ${options.what} (fail-on-error is true).`,
      );
    }
  }
  return {
    results,
    sent: results.length > 0 && failed.length === 0,
    messageIds: results.flatMap((r) => r.messageIds),
  };
}

function undeliveredSummary(
  what: string,
  failed: readonly DeliveryResult[],
  messages: readonly WebhookMessage[],
): string {
  const rows = failed.map(
    (r) => `| ${cell(r.webhook.label)} | ${cell(r.reason)} | ${r.delivered} of ${messages.length} |`,
  );
  return [
    `### ⚠️ Undelivered Discord ${what}`,
    '',
    '| webhook | reason | delivered |',
    '| --- | --- | --- |',
    ...rows,
    '',
    ...messages.map((m) => messageMarkdown(m)),
  ].join('\n');
}

/** A message as readable markdown (for summaries), plus its JSON for resending by hand. */
export function messageMarkdown(message: WebhookMessage): string {
  const parts: string[] = [];
  if (message.content) parts.push(`> ${message.content.replace(/\n/g, '\n> ')}`);
  for (const e of message.embeds ?? []) {
    if (e.title) parts.push(`**${e.url ? `[${e.title}](${e.url})` : e.title}**`);
    if (e.description) parts.push(e.description);
    if (e.fields?.length) {
      parts.push(
        [
          '| field | value |',
          '| --- | --- |',
          ...e.fields.map((f) => `| ${cell(shownText(f.name))} | ${cell(shownText(f.value))} |`),
        ].join('\n'),
      );
    }
  }
  parts.push(
    `<details><summary>JSON payload</summary>\n\n\`\`\`json\n${JSON.stringify(message, null, 2)}\n\`\`\`\n</details>`,
  );
  return parts.join('\n\n') + '\n';
}

/** A short table of where a message went: one row per webhook. */
export function deliverySummary(message: WebhookMessage, results: readonly DeliveryResult[]): string {
  const title = message.embeds?.[0]?.title ?? message.content ?? 'message';
  const rows = results.map((r) => [
    r.webhook.label,
    r.ok ? '✅ delivered' : `❌ ${r.reason ?? 'failed'}`,
    r.messageIds.join(', ') || null,
    r.attempts,
  ]);
  return `### Discord: ${cell(shownText(title))}\n\n${table(['webhook', 'result', 'message id', 'attempts'], rows)}\n`;
}

/**
 * Dry run, the same in all four actions: every message's full payload in the log (JSON) and in
 * the job summary (rendered), nothing sent. Also what an action does when it has no webhook.
 */
export function previewMessages(
  runtime: Runtime,
  messages: readonly WebhookMessage[],
  what: string,
  why = 'not sent: dry run',
): PostOutcome {
  if (messages.length) {
    const count = messages.length === 1 ? 'one message' : `${messages.length} messages`;
    runtime.info(`Discord ${what} (${why}), ${count}:\n${JSON.stringify(messages, null, 2)}`);
    runtime.appendSummary(`### Discord ${what} (${why})\n\n${messages.map(messageMarkdown).join('\n')}`);
  }
  return { results: [], sent: false, messageIds: [] };
}

/** `postMessages`, or `previewMessages` when the action runs dry or has no webhook to send to. */
export async function sendMessages(
  runtime: Runtime,
  webhooks: readonly Webhook[],
  messages: readonly WebhookMessage[],
  options: PostOptions & { readonly dryRun: boolean },
): Promise<PostOutcome> {
  if (!messages.length) return { results: [], sent: false, messageIds: [] };
  if (options.dryRun) return previewMessages(runtime, messages, options.what);
  if (!webhooks.length) return previewMessages(runtime, messages, options.what, 'not sent: no webhook-url');
  return postMessages(runtime, webhooks, messages, options);
}
