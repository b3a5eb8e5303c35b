import * as http from 'node:http';
import { editedBody, keptBody, readBody, type SavedMessage } from './discord-messages';
import { listenOnLoopback } from './loopback';

/**
 * A loopback stand-in for Discord's execute-webhook endpoint. It checks every limit Discord checks
 * (REFERENCE §1) and answers the way Discord does, so a payload it accepts is one Discord accepts.
 */
export interface ReceivedMessage {
  readonly webhookId: string;
  readonly query: Record<string, string>;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly id: string;
}

/** An edit of a saved message (`PATCH …/messages/{id}`), as received. */
export interface EditedMessage {
  readonly webhookId: string;
  readonly messageId: string;
  readonly query: Record<string, string>;
  readonly body: Record<string, unknown>;
}

export interface RejectedRequest {
  readonly webhookId: string;
  readonly status: number;
  readonly body: unknown;
}

export type Fault =
  | { kind: 'rate-limit'; retryAfter: number; global?: boolean }
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  /** The connection drops after the whole request arrived; `saved`: Discord had stored the message. */
  | { kind: 'reset'; saved?: boolean }
  | { kind: 'cloudflare' };

export interface DiscordServer {
  readonly port: number;
  /** A webhook URL for a registered webhook (`http://127.0.0.1:port/api/webhooks/id/token`). */
  webhookUrl(id?: string, token?: string): string;
  addWebhook(id: string, token: string, kind?: 'text' | 'forum'): void;
  /** Queues faults for the next requests to `webhookId` (or to any webhook when omitted). */
  fail(faults: Fault | Fault[], webhookId?: string): void;
  /** Simulates Discord's per-webhook bucket: after `limit` requests in `windowMs`, answer 429. */
  rateLimit(limit: number, windowMs: number): void;
  readonly received: ReceivedMessage[];
  readonly edits: EditedMessage[];
  /** Every saved message as it reads now (edits applied), by id. */
  message(id: string): Record<string, unknown> | undefined;
  /** Deletes a saved message, as a moderator would: editing it then answers 404 code 10008. */
  deleteMessage(id: string): void;
  readonly rejected: RejectedRequest[];
  readonly requests: number;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_ID = '112233445566778899';
const DEFAULT_TOKEN = 'tok_ABCdef-123_secret';

type Json = Record<string, unknown>;
type FieldErrors = Record<string, unknown>;

/** Validates an execute-webhook body like Discord does; returns Discord's `errors` tree or null. */
export function validateWebhookBody(
  body: Json,
  forum: boolean,
): { code: number; errors?: FieldErrors; message: string } | null {
  const errors: FieldErrors = {};
  const put = (path: string[], message: string, code = 'BASE_TYPE_MAX_LENGTH') => {
    let node = errors;
    for (const key of path) node = (node[key] ??= {}) as FieldErrors;
    node._errors = [{ code, message }];
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const content = str(body.content);
  if (body.content !== undefined && content === undefined)
    put(['content'], 'Must be a string.', 'STRING_TYPE_CONVERT');
  if (content && content.length > 2000) put(['content'], 'Must be 2000 or fewer in length.');
  const username = body.username;
  if (username !== undefined) {
    if (typeof username !== 'string' || username.length < 1 || username.length > 80) {
      put(['username'], 'Must be between 1 and 80 in length.');
    } else if (/discord|clyde/i.test(username))
      put(['username'], 'Username cannot contain "discord"', 'USERNAME_INVALID_CONTAINS');
  }
  const embeds = body.embeds;
  let total = 0;
  if (embeds !== undefined) {
    if (!Array.isArray(embeds)) put(['embeds'], 'Must be an array.', 'LIST_TYPE_CONVERT');
    else {
      if (embeds.length > 10) put(['embeds'], 'Must be 10 or fewer in length.');
      embeds.forEach((raw: unknown, i) => {
        const e = (raw ?? {}) as Json;
        const p = ['embeds', String(i)];
        const limit = (key: string, value: unknown, max: number) => {
          if (value === undefined) return;
          if (typeof value !== 'string') return put([...p, key], 'Must be a string.', 'STRING_TYPE_CONVERT');
          total += value.length;
          if (value.length > max) put([...p, key], `Must be ${max} or fewer in length.`);
        };
        limit('title', e.title, 256);
        limit('description', e.description, 4096);
        if (e.footer !== undefined) limit('footer', (e.footer as Json).text, 2048);
        if (e.author !== undefined) limit('author', (e.author as Json).name, 256);
        if (
          e.color !== undefined &&
          (!Number.isInteger(e.color) || (e.color as number) < 0 || (e.color as number) > 0xffffff)
        ) {
          put([...p, 'color'], 'Int value should be less than or equal to 16777215.', 'NUMBER_TYPE_MAX');
        }
        if (e.timestamp !== undefined && Number.isNaN(Date.parse(String(e.timestamp)))) {
          put([...p, 'timestamp'], 'Could not parse timestamp.', 'DATE_TIME_TYPE_PARSE');
        }
        for (const key of ['url'] as const) {
          if (e[key] !== undefined && !/^https?:\/\//.test(String(e[key])))
            put([...p, key], 'Not a well formed URL.', 'URL_TYPE_INVALID_URL');
        }
        const fields = e.fields;
        if (fields !== undefined) {
          if (!Array.isArray(fields)) return put([...p, 'fields'], 'Must be an array.', 'LIST_TYPE_CONVERT');
          if (fields.length > 25) put([...p, 'fields'], 'Must be 25 or fewer in length.');
          fields.forEach((f: Json, j) => {
            const fp = [...p, 'fields', String(j)];
            for (const [key, max] of [
              ['name', 256],
              ['value', 1024],
            ] as const) {
              const v = f?.[key];
              if (typeof v !== 'string' || v.trim() === '')
                put([...fp, key], 'This field is required', 'BASE_TYPE_REQUIRED');
              else {
                total += v.length;
                if (v.length > max) put([...fp, key], `Must be ${max} or fewer in length.`);
              }
            }
          });
        }
      });
      if (total > 6000) put(['embeds'], 'Embed size exceeds maximum size of 6000', 'MAX_EMBED_SIZE_EXCEEDED');
    }
  }
  const am = body.allowed_mentions as Json | undefined;
  if (am) {
    const parse = Array.isArray(am.parse) ? am.parse : [];
    for (const kind of ['users', 'roles']) {
      if (parse.includes(kind) && Array.isArray(am[kind]) && (am[kind] as unknown[]).length) {
        put(
          ['allowed_mentions'],
          `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`,
          'MUTUALLY_EXCLUSIVE',
        );
      }
    }
  }
  if (body.flags !== undefined && ((body.flags as number) & ~(4 | 4096)) !== 0)
    put(['flags'], 'Invalid flags', 'FLAGS_INVALID');
  if (Object.keys(errors).length) return { code: 50035, errors, message: 'Invalid Form Body' };
  const hasEmbeds = Array.isArray(embeds) && embeds.length > 0;
  if (!content && !hasEmbeds) return { code: 50006, message: 'Cannot send an empty message' };
  if (forum && !body.thread_name)
    return {
      code: 220001,
      message: 'Webhooks posted to forum channels must have a thread_name or thread_id',
    };
  if (!forum && body.thread_name)
    return { code: 220003, message: 'Webhooks can only create threads in forum channels' };
  return null;
}

type Bucket = { limit: number; windowMs: number; hits: Map<string, number[]> };

/** Counts one request against a webhook's bucket: false when it fits, else the seconds to wait. */
function takeFromBucket(bucket: Bucket, id: string): number | false {
  const now = Date.now();
  const hits = (bucket.hits.get(id) ?? []).filter((t) => now - t < bucket.windowMs);
  bucket.hits.set(id, hits);
  if (hits.length >= bucket.limit) return ((hits[0] ?? now) + bucket.windowMs - now) / 1000;
  hits.push(now);
  return false;
}

/**
 * Answers a queued fault. True when the request is dealt with; false for a reset after saving,
 * where the message is stored as usual and only the answer is dropped.
 */
function answerFault(
  fault: Fault,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  reject: (status: number, payload: Json, headers?: Record<string, string>) => void,
  recordHtmlRejection: () => void,
): boolean {
  switch (fault.kind) {
    case 'hang':
      return true; // never answer
    case 'reset':
      if (fault.saved) return false;
      req.socket.destroy();
      return true;
    case 'cloudflare':
      recordHtmlRejection();
      res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '1' });
      res.end('<html><body>Error 1015: You are being rate limited.</body></html>');
      return true;
    case 'status':
      reject(fault.status, { message: `${fault.status}: stand-in fault`, code: 0 });
      return true;
    case 'rate-limit':
      reject(
        429,
        {
          message: 'You are being rate limited.',
          retry_after: fault.retryAfter,
          global: fault.global ?? false,
        },
        rateHeaders(fault.retryAfter, fault.global),
      );
      return true;
  }
}

export async function startDiscordServer(): Promise<DiscordServer> {
  const hooks = new Map<string, { token: string; kind: 'text' | 'forum' }>([
    [DEFAULT_ID, { token: DEFAULT_TOKEN, kind: 'text' }],
  ]);
  const faults: { webhookId?: string; fault: Fault }[] = [];
  const received: ReceivedMessage[] = [];
  const edits: EditedMessage[] = [];
  const saved = new Map<string, SavedMessage>();
  const rejected: RejectedRequest[] = [];
  let requests = 0;
  const snowflake = snowflakes();
  let bucket: Bucket | undefined;

  const server = http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // A 'reset' with `saved`: the message is stored, then the connection drops instead of the answer.
      let dropAnswer = false;
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        if (dropAnswer) return void req.socket.destroy();
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const m = /^\/api(?:\/v(\d+))?\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(\d+))?$/.exec(url.pathname);
      const editing = m?.[4];
      if (!m || req.method !== (editing ? 'PATCH' : 'POST'))
        return json(405, { message: '405: Method Not Allowed', code: 0 });
      const [, version, id = '', token = ''] = m;
      const reject = (status: number, payload: Json, headers?: Record<string, string>) => {
        rejected.push({ webhookId: id, status, body: payload });
        json(status, payload, headers);
      };
      if (version !== '10') return reject(400, { message: 'this stand-in expects /api/v10', code: 0 });
      const i = faults.findIndex((f) => !f.webhookId || f.webhookId === id);
      if (i >= 0) {
        const [{ fault }] = faults.splice(i, 1) as [{ fault: Fault }];
        if (
          answerFault(fault, req, res, reject, () =>
            rejected.push({ webhookId: id, status: 429, body: 'html' }),
          )
        )
          return;
        dropAnswer = true;
      }
      const hook = hooks.get(id);
      if (!hook) return reject(404, { message: 'Unknown Webhook', code: 10015 });
      if (hook.token !== token) return reject(401, { message: 'Invalid Webhook Token', code: 50027 });
      const retry = bucket && takeFromBucket(bucket, id);
      if (retry !== undefined && retry !== false) return reject(...rateLimited(retry));
      const read = readBody(Buffer.concat(chunks), req.headers['content-type']);
      if ('status' in read) return reject(read.status, read.payload);
      const { body } = read;
      if (editing) {
        const threadId = url.searchParams.get('thread_id') ?? '';
        const edit = editedBody(saved.get(editing), id, threadId, body, (next) => {
          const problem = validateWebhookBody(next, false);
          return problem ? { status: 400, payload: problem as unknown as Json } : null;
        });
        if ('status' in edit) return reject(edit.status, edit.payload);
        (saved.get(editing) as SavedMessage).body = edit.next;
        edits.push({ webhookId: id, messageId: editing, query: Object.fromEntries(url.searchParams), body });
        return json(200, { id: editing, channel_id: '1', webhook_id: id, ...edit.next });
      }
      const forum = hook.kind === 'forum' && !url.searchParams.get('thread_id');
      const problem = validateWebhookBody(body, forum);
      if (problem) return reject(400, problem as unknown as Json);
      const messageId = snowflake();
      const query = Object.fromEntries(url.searchParams);
      received.push({ webhookId: id, query, headers: req.headers, body, id: messageId });
      // A new forum post is a thread whose id is its first message's.
      const threadId = query.thread_id ?? (body.thread_name ? messageId : '');
      saved.set(messageId, { webhookId: id, threadId, body: keptBody(body) });
      const headers = okHeaders(id);
      if (url.searchParams.get('wait') === 'true')
        return json(200, { id: messageId, channel_id: '1', webhook_id: id, ...body }, headers);
      if (dropAnswer) return void req.socket.destroy();
      res.writeHead(204, headers);
      res.end();
    });
  });
  const { port, close } = await listenOnLoopback(server);

  return {
    port,
    webhookUrl: (id = DEFAULT_ID, token = DEFAULT_TOKEN) =>
      `http://127.0.0.1:${port}/api/webhooks/${id}/${token}`,
    addWebhook: (id, token, kind = 'text') => void hooks.set(id, { token, kind }),
    fail: (f, webhookId) => {
      for (const fault of Array.isArray(f) ? f : [f])
        faults.push({ ...(webhookId ? { webhookId } : {}), fault });
    },
    rateLimit: (limit, windowMs) => {
      bucket = { limit, windowMs, hits: new Map() };
    },
    received,
    edits,
    message: (messageId) => saved.get(messageId)?.body,
    deleteMessage: (messageId) => void saved.delete(messageId),
    rejected,
    get requests() {
      return requests;
    },
    reset: () => {
      received.length = 0;
      edits.length = 0;
      saved.clear();
      rejected.length = 0;
      faults.length = 0;
      requests = 0;
      bucket = undefined;
    },
    close,
  };
}

function rateLimited(retry: number): [number, Json, Record<string, string>] {
  return [
    429,
    { message: 'You are being rate limited.', retry_after: retry, global: false },
    rateHeaders(retry),
  ];
}

function okHeaders(id: string): Record<string, string> {
  return {
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '4',
    'x-ratelimit-reset-after': '0.4',
    'x-ratelimit-bucket': `hook-${id}`,
  };
}

/** Real snowflakes: creation time (ms since Discord's epoch, 2015) in the top bits, then a counter. */
function snowflakes(): () => string {
  let sequence = 0n;
  return () => String(((BigInt(Date.now()) - 1_420_070_400_000n) << 22n) | (sequence++ & 0xfffn));
}

function rateHeaders(retryAfter: number, global = false): Record<string, string> {
  return {
    'retry-after': String(Math.ceil(retryAfter)),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset-after': String(retryAfter),
    'x-ratelimit-bucket': 'stand-in',
    'x-ratelimit-scope': global ? 'global' : 'user',
    ...(global ? { 'x-ratelimit-global': 'true' } : {}),
  };
}

export const DISCORD_DEFAULTS = { id: DEFAULT_ID, token: DEFAULT_TOKEN };
