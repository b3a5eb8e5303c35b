import type { WebhookMessage } from './message';
import {
  describeNetworkError,
  permanentNetworkError,
  sentBeforeError,
  type HttpResponse,
  type Transport,
} from './transport';
import type { Webhook } from './webhook-url';

export interface DeliveryOptions {
  readonly transport: Transport;
  /** Budget for the whole delivery (every webhook, every message, every retry). */
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Attempts per message for 5xx and network errors. */
  readonly maxAttempts?: number;
  readonly log?: (message: string) => void;
  /**
   * Edit this message (`PATCH …/messages/{id}`, in the webhook's thread when it names one) with the
   * first message instead of posting it; when Discord no longer has it, post a new one.
   */
  readonly editMessageId?: string;
}

export interface DeliveryResult {
  readonly webhook: Webhook;
  readonly ok: boolean;
  readonly messageIds: string[];
  /** Messages Discord saved, of those we had. */
  readonly delivered: number;
  readonly attempts: number;
  /** Why it failed, in words, naming no secret. */
  readonly reason?: string;
  readonly status?: number;
  /** The message edited in place (`editMessageId`), when the edit succeeded. */
  readonly edited?: string;
  /** The message that could not be edited because Discord no longer has it; a new one was posted. */
  readonly editMissing?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sends every message to every webhook; webhooks in parallel, one failing never stops another. */
export async function deliverAll(
  webhooks: readonly Webhook[],
  messages: readonly WebhookMessage[],
  options: DeliveryOptions,
): Promise<DeliveryResult[]> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  return Promise.all(webhooks.map((w) => deliverTo(w, messages, options, deadline)));
}

async function deliverTo(
  webhook: Webhook,
  messages: readonly WebhookMessage[],
  options: DeliveryOptions,
  deadline: number,
): Promise<DeliveryResult> {
  const ids: string[] = [];
  let attempts = 0;
  let pause = 0;
  let edited: string | undefined;
  let editMissing: string | undefined;
  const extra = () => ({ ...(edited ? { edited } : {}), ...(editMissing ? { editMissing } : {}) });
  // A forum post created by the first message: the later parts go into it, not into posts of their own.
  let createdThread: string | undefined;
  for (const [index, message] of messages.entries()) {
    if (pause > 0) {
      // The bucket said it was empty: wait for its reset rather than collect a 429.
      if (!(await wait(pause, deadline, options))) {
        return {
          webhook,
          ok: false,
          messageIds: ids,
          delivered: ids.length,
          attempts,
          reason: timeoutReason(options),
          ...extra(),
        };
      }
    }
    const editId = index === 0 ? options.editMessageId : undefined;
    const post =
      createdThread && message.thread_name ? intoThread(webhook, message, createdThread) : undefined;
    const postTarget = { url: post?.url ?? webhook.url, method: 'POST' };
    const postBody = post?.message ?? message;
    let result = editId
      ? await sendOne(editTarget(webhook, editId, message), editBody(message), webhook, options, deadline)
      : await sendOne(postTarget, postBody, webhook, options, deadline);
    if (editId && result.ok) edited = editId;
    if (editId && !result.ok && result.status === 404 && result.code === UNKNOWN_MESSAGE) {
      // Deleted, or never in this webhook's channel or thread: the news must still reach the channel.
      editMissing = editId;
      attempts += result.attempts;
      options.log?.(`${webhook.label}: message ${editId} no longer exists; posting a new one`);
      result = await sendOne(postTarget, postBody, webhook, options, deadline);
    }
    attempts += result.attempts;
    if (!result.ok) {
      return {
        webhook,
        ok: false,
        messageIds: ids,
        delivered: ids.length,
        attempts,
        reason: result.reason,
        ...(result.status ? { status: result.status } : {}),
        ...extra(),
      };
    }
    if (result.id) ids.push(result.id);
    if (index === 0 && message.thread_name && !new URL(webhook.url).searchParams.has('thread_id')) {
      // A forum post's thread has its first message's id; an edited post keeps its own.
      createdThread = result.id;
    }
    pause = result.pauseMs;
  }
  return { webhook, ok: true, messageIds: ids, delivered: messages.length, attempts, ...extra() };
}

/** Discord's "Unknown Message": the message to edit is gone (the webhook itself answers 10015). */
const UNKNOWN_MESSAGE = 10008;

/**
 * `…/webhooks/{id}/{token}/messages/{message}`, keeping `thread_id` (Discord finds a thread's
 * message only with it). A message that creates a forum post (`thread_name`) replaces that post's
 * first message, whose thread has the message's own id.
 */
export function editTarget(
  webhook: Webhook,
  messageId: string,
  message: WebhookMessage = {},
): { url: string; method: string } {
  const u = new URL(webhook.url);
  if (message.thread_name && !u.searchParams.has('thread_id')) u.searchParams.set('thread_id', messageId);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/messages/${encodeURIComponent(messageId)}`;
  u.searchParams.delete('wait');
  return { url: u.toString(), method: 'PATCH' };
}

/**
 * What an edit may change: content, embeds, mentions and the suppress-embeds flag. Absent content
 * and embeds are cleared (null / []) so nothing of the earlier message lingers.
 */
export function editBody(message: WebhookMessage): Record<string, unknown> {
  const flags = (message.flags ?? 0) & 4;
  return {
    content: message.content ?? null,
    embeds: message.embeds ?? [],
    ...(message.allowed_mentions ? { allowed_mentions: message.allowed_mentions } : {}),
    ...(flags ? { flags } : {}),
  };
}

/** A later part of a message that created a forum post: into that post's thread, no new post. */
function intoThread(
  webhook: Webhook,
  message: WebhookMessage,
  thread: string,
): { url: string; message: WebhookMessage } {
  const u = new URL(webhook.url);
  u.searchParams.set('thread_id', thread);
  const rest: WebhookMessage = { ...message };
  delete rest.thread_name;
  delete rest.applied_tags;
  return { url: u.toString(), message: rest };
}

type SendResult =
  | { ok: true; id?: string; attempts: number; pauseMs: number }
  | { ok: false; reason: string; status?: number; code?: number; attempts: number };

async function sendOne(
  target: { url: string; method: string },
  message: WebhookMessage | Record<string, unknown>,
  webhook: Webhook,
  options: DeliveryOptions,
  deadline: number,
): Promise<SendResult> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 5;
  const body = JSON.stringify(message);
  let failures = 0;
  let attempts = 0;
  let lastReason = '';
  let rateLimited = 0;
  // 429s do not count against maxAttempts: Discord said when to come back, and only the time
  // budget bounds how often (a burst of jobs on one webhook must all get through).
  for (;;) {
    const remaining = deadline - now();
    if (remaining <= 0)
      return {
        ok: false,
        reason: lastReason ? `${lastReason}; then ${timeoutReason(options)}` : timeoutReason(options),
        attempts,
      };
    attempts++;
    let response: HttpResponse;
    try {
      response = await options.transport({
        url: target.url,
        method: target.method,
        headers: {
          'content-type': 'application/json',
          'user-agent': options.userAgent,
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
        signal: AbortSignal.timeout(remaining),
      });
    } catch (error) {
      const what = describeNetworkError(error);
      if (what === 'timed out') return { ok: false, reason: timeoutReason(options), attempts };
      if (permanentNetworkError(error)) return { ok: false, reason: what, attempts };
      // Webhook execution is not idempotent: after the whole body went out, Discord may have
      // saved the message, and sending it again could post it twice (REFERENCE §1).
      if (sentBeforeError(error)) {
        return {
          ok: false,
          reason: `${what} after the message was sent: it may have been delivered, so it was not sent again (that could post it twice)`,
          attempts,
        };
      }
      lastReason = what;
      failures++;
      if (failures >= maxAttempts) return { ok: false, reason: `${what} (${attempts} attempts)`, attempts };
      options.log?.(`${webhook.label}: ${what}; retrying`);
      if (!(await wait(backoff(failures, random), deadline, options))) {
        return { ok: false, reason: `${what}; then ${timeoutReason(options)}`, attempts };
      }
      continue;
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      return { ok: true, attempts, pauseMs: bucketPause(response), ...messageId(response) };
    }
    if (status === 429) {
      const asked = retryAfterMs(response);
      const ms = rateLimitWait(asked, rateLimited++ > 0, random);
      lastReason = `rate limited by Discord${isGlobal(response) ? ' (global limit)' : ''}`;
      options.log?.(`${webhook.label}: ${lastReason}; retrying in ${(ms / 1000).toFixed(2)} s`);
      if (now() + ms > deadline) {
        return {
          ok: false,
          status,
          reason: `rate limited by Discord for ${(asked / 1000).toFixed(1)} s, longer than the time left before the ${formatBudget(options)} timeout`,
          attempts,
        };
      }
      await (options.sleep ?? defaultSleep)(ms);
      continue;
    }
    if (status >= 500) {
      lastReason = `Discord answered ${status}`;
      failures++;
      if (failures >= maxAttempts)
        return { ok: false, status, reason: `${lastReason} (${attempts} attempts)`, attempts };
      options.log?.(`${webhook.label}: ${lastReason}; retrying`);
      if (!(await wait(backoff(failures, random), deadline, options))) {
        return { ok: false, status, reason: `${lastReason}; then ${timeoutReason(options)}`, attempts };
      }
      continue;
    }
    const code = parseJson(response.body)?.code;
    return {
      ok: false,
      status,
      reason: explainRejection(response),
      attempts,
      ...(typeof code === 'number' ? { code } : {}),
    };
  }
}

/** The shortest wait after a 429, even when Discord says 0 or less: no tight loop of requests. */
const RATE_LIMIT_FLOOR_MS = 250;

/**
 * The first 429 waits exactly what Discord asked. A 429 again means other senders share the bucket
 * (thirty matrix jobs on one webhook): then up to half again (at most 2 s) of jitter, so that they
 * do not all come back in the same instant and collide once more.
 */
function rateLimitWait(retryAfterMs: number, again: boolean, random: () => number): number {
  const base = Math.max(RATE_LIMIT_FLOOR_MS, retryAfterMs);
  return again ? Math.round(base + random() * Math.min(2000, base / 2)) : base;
}

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s, … capped at 8 s. */
function backoff(failures: number, random: () => number): number {
  const cap = Math.min(8000, 500 * 2 ** (failures - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

async function wait(ms: number, deadline: number, options: DeliveryOptions): Promise<boolean> {
  const now = options.now ?? Date.now;
  if (now() + ms >= deadline) return false;
  await (options.sleep ?? defaultSleep)(ms);
  return true;
}

function formatBudget(options: DeliveryOptions): string {
  const s = options.timeoutMs / 1000;
  return s >= 1 ? `${Number(s.toFixed(1))} s` : `${options.timeoutMs} ms`;
}

function timeoutReason(options: DeliveryOptions): string {
  return `timed out: no answer within the ${formatBudget(options)} timeout`;
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function messageId(response: HttpResponse): { id?: string } {
  const id = parseJson(response.body)?.id;
  return typeof id === 'string' ? { id } : {};
}

function retryAfterMs(response: HttpResponse): number {
  const body = parseJson(response.body);
  const precise = typeof body?.retry_after === 'number' ? body.retry_after : undefined;
  const header = Number(response.headers['retry-after']);
  const seconds = precise ?? (Number.isFinite(header) && header >= 0 ? header : 1);
  return Math.max(0, Math.ceil(seconds * 1000));
}

function isGlobal(response: HttpResponse): boolean {
  return parseJson(response.body)?.global === true || response.headers['x-ratelimit-global'] === 'true';
}

function bucketPause(response: HttpResponse): number {
  if (response.headers['x-ratelimit-remaining'] !== '0') return 0;
  const after = Number(response.headers['x-ratelimit-reset-after']);
  return Number.isFinite(after) && after > 0 ? Math.ceil(after * 1000) : 0;
}

/** 4xx other than 429: never retried; say what it means and what to do. */
export function explainRejection(response: HttpResponse): string {
  const body = parseJson(response.body);
  const code = typeof body?.code === 'number' ? body.code : undefined;
  const tag = `Discord ${response.status}${code !== undefined ? ` code ${code}` : ''}`;
  switch (response.status) {
    case 404:
      if (code === UNKNOWN_MESSAGE)
        return `the message to edit does not exist: it was deleted, or belongs to another webhook or thread (${tag})`;
      return `the webhook does not exist: it was deleted, or its id is wrong (${tag}). Create a new webhook and update the secret`;
    case 401:
      return `the webhook token is wrong (${tag}). Copy the webhook URL again`;
    case 403:
      return `Discord refused the request (${tag})${/<html/i.test(response.body) ? ', blocked before reaching Discord (Cloudflare)' : ''}`;
    case 413:
      return `the message is too large (${tag})`;
    case 400: {
      if (code === 220001) return `the channel is a forum: set thread-name or thread-id (${tag})`;
      if (code === 220003) return `thread-name works only for forum channels (${tag})`;
      const where = body?.errors ? errorPaths(body.errors).slice(0, 5).join('; ') : '';
      return `Discord rejected the message (${tag}${where ? `: ${where}` : ''})`;
    }
    default:
      return `Discord answered ${response.status} (${tag})`;
  }
}

/** Flattens Discord's `errors` tree to `embeds.0.title: Must be 256 or fewer in length.` lines. */
function errorPaths(tree: unknown, path: string[] = []): string[] {
  if (!tree || typeof tree !== 'object') return [];
  const node = tree as Record<string, unknown>;
  if (Array.isArray(node._errors)) {
    const msgs = node._errors.map((e) => String((e as { message?: unknown }).message ?? e));
    return [`${path.join('.')}: ${msgs.join(' ')}`];
  }
  return Object.entries(node).flatMap(([k, v]) => errorPaths(v, [...path, k]));
}
