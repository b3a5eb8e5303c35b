import type * as Http from 'node:http';
import type * as Https from 'node:https';

/**
 * The part of `fetch` that @octokit/request uses, on `node:http(s)`. Node's built-in fetch costs
 * 80–150 ms on its first call (it compiles its own undici) and @actions/github's fetch brings the
 * npm undici (~1 MB evaluated); a monitor that runs every 15 minutes makes one or two requests, so
 * start-up is most of its run (REFERENCE §7). Used only when no proxy is configured: with one, the
 * client keeps @actions/github's proxy-aware fetch.
 *
 * What it keeps from fetch: redirects followed (at most 20; 303 turns into GET; credentials dropped
 * across origins), `signal` aborts with an `AbortError`, network failures reject as
 * `TypeError('fetch failed', { cause })` as undici does, so @octokit/request words them the same.
 */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  redirect?: 'follow' | 'error' | 'manual';
  signal?: AbortSignal | null;
}

export interface FetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly ok: boolean;
  readonly redirected: boolean;
  readonly headers: ResponseHeaders;
  readonly body: null;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

const MAX_REDIRECTS = 20;

interface Protocol {
  readonly request: typeof Http.request;
  readonly agent: Http.Agent;
}
const protocols = new Map<string, Promise<Protocol>>();
/**
 * node:https (and TLS) loads only for an https URL. Keep-alive, as fetch does: the detector's two
 * requests and a paginated listing share a socket; idle sockets are unref'd by the agent, so they
 * never hold the process open.
 */
function protocol(name: 'http:' | 'https:'): Promise<Protocol> {
  let p = protocols.get(name);
  if (!p) {
    p =
      name === 'https:'
        ? import('node:https').then((m: typeof Https) => ({
            request: m.request as typeof Http.request,
            agent: new m.Agent({ keepAlive: true }),
          }))
        : import('node:http').then((m: typeof Http) => ({
            request: m.request,
            agent: new m.Agent({ keepAlive: true }),
          }));
    protocols.set(name, p);
  }
  return p;
}

export class ResponseHeaders implements Iterable<[string, string]> {
  private readonly map: Map<string, string>;
  constructor(raw: Http.IncomingHttpHeaders) {
    this.map = new Map(
      Object.entries(raw)
        .filter((e): e is [string, string | string[]] => e[1] !== undefined)
        .map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v] as [string, string])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  [Symbol.iterator](): Iterator<[string, string]> {
    return this.map.entries();
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && (reason.name === 'AbortError' || reason.name === 'TimeoutError'))
    return reason;
  const error = new Error('This operation was aborted');
  error.name = 'AbortError';
  return error;
}

const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

export async function httpFetch(input: string | URL, init: FetchInit = {}): Promise<FetchResponse> {
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body ?? undefined;
  const headers: Record<string, string> = { ...init.headers };
  for (let redirects = 0; ; redirects++) {
    const answer = await once(url, method, headers, body, init.signal ?? undefined);
    const location = answer.res.headers.location;
    if (
      init.redirect === 'manual' ||
      ![301, 302, 303, 307, 308].includes(answer.res.statusCode ?? 0) ||
      !location
    )
      return respond(answer, url, redirects > 0);
    answer.res.resume();
    if (init.redirect === 'error') throw fetchFailed(new Error('unexpected redirect'));
    if (redirects >= MAX_REDIRECTS) throw fetchFailed(new Error('redirect count exceeded'));
    const next = new URL(location, url);
    if (next.origin !== url.origin) {
      for (const name of Object.keys(headers))
        if (/^(authorization|cookie|proxy-authorization)$/i.test(name)) delete headers[name];
    }
    const status = answer.res.statusCode ?? 0;
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      for (const name of Object.keys(headers))
        if (/^content-(type|length|encoding|language|location)$/i.test(name)) delete headers[name];
    }
    url = next;
  }
}

interface Answer {
  readonly res: Http.IncomingMessage;
  readonly signal: AbortSignal | undefined;
}

async function once(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<Answer> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw fetchFailed(new Error(`unsupported protocol ${url.protocol}`));
  const { request, agent } = await protocol(url.protocol);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const req = request(url, {
      method,
      agent,
      headers: {
        ...headers,
        ...(payload !== undefined ? { 'content-length': String(payload.byteLength) } : {}),
      },
    });
    const onAbort = () => req.destroy(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      // The body is read later: keep listening for the abort until it is.
      resolve({ res, signal });
    });
    req.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? abortError(signal) : fetchFailed(error));
    });
    req.end(payload);
  });
}

function respond(answer: Answer, url: URL, redirected: boolean): FetchResponse {
  const { res, signal } = answer;
  // Read at once, whether or not the caller asks (octokit skips 204/205 and HEAD bodies): an unread
  // answer would hold its socket, and the process, open.
  const read = new Promise<Buffer>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const chunks: Buffer[] = [];
    const onAbort = () => res.destroy(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
    res.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? abortError(signal) : new TypeError('terminated', { cause: error }));
    });
  });
  // A body nobody reads must not become an unhandled rejection.
  read.catch(() => undefined);
  const bytes = () => read;
  const status = res.statusCode ?? 0;
  return {
    status,
    statusText: res.statusMessage ?? '',
    url: url.href,
    ok: status >= 200 && status < 300,
    redirected,
    headers: new ResponseHeaders(res.headers),
    body: null,
    text: async () => (await bytes()).toString('utf8'),
    json: async () => JSON.parse((await bytes()).toString('utf8')) as unknown,
    arrayBuffer: async () => {
      const b = await bytes();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}
