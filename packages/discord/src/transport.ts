import type * as Http from 'node:http';
import type * as Https from 'node:https';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface HttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

/** Sends one request; rejects on network errors and when `signal` aborts. */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export interface TransportOptions {
  /**
   * The environment whose HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) the agents follow, the
   * way the runner's own tools do: Node 24.5+ agents tunnel through the proxy natively (CONNECT for
   * https, with Basic credentials from the proxy URL). Omit to connect directly.
   */
  readonly proxyEnv?: NodeJS.ProcessEnv;
}

/** True when the environment names a proxy (upper or lower case). */
export function hasProxy(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/**
 * node:http / node:https, where the built-in fetch costs 80–150 ms on first use. Each protocol's
 * module is loaded on first use (node:https pulls in TLS, which a dry run or a loopback test never
 * needs), with one keep-alive agent per protocol, destroyed by `close()` so the process can exit.
 */
export function nodeTransport(options: TransportOptions = {}): Transport & { close(): void } {
  const proxy = options.proxyEnv && hasProxy(options.proxyEnv) ? { proxyEnv: options.proxyEnv } : {};
  const clients = new Map<string, Promise<{ mod: typeof Http | typeof Https; agent: Http.Agent }>>();
  const client = (protocol: string) => {
    let c = clients.get(protocol);
    if (!c) {
      c = (protocol === 'http:' ? import('node:http') : import('node:https')).then((mod) => ({
        mod,
        agent: new mod.Agent({ keepAlive: true, ...proxy }),
      }));
      clients.set(protocol, c);
    }
    return c;
  };
  const send: Transport = async (req) => {
    const url = new URL(req.url);
    const { mod, agent } = await client(url.protocol === 'http:' ? 'http:' : 'https:');
    return new Promise<HttpResponse>((resolve, rejectWith) => {
      // Whether the whole body had been handed to the network when the error came: then the
      // server may have acted on it, and a retry could post the message twice.
      let bodySent = false;
      const reject = (error: unknown) =>
        rejectWith(error instanceof Error ? Object.assign(error, { bodySent }) : error);
      const r = mod.request(
        url,
        { method: req.method, headers: req.headers, agent, signal: req.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers: Record<string, string | undefined> = {};
            for (const [k, v] of Object.entries(res.headers))
              headers[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      r.on('finish', () => {
        bodySent = true;
      });
      r.on('error', reject);
      r.end(req.body);
    });
  };
  return Object.assign(send, {
    close() {
      for (const c of clients.values()) void c.then(({ agent }) => agent.destroy());
    },
  });
}

/** True when a network error came after the request body was sent: the server may have acted on it. */
export function sentBeforeError(error: unknown): boolean {
  return (error as { bodySent?: unknown } | undefined)?.bodySent === true;
}

/**
 * A network error that trying again cannot fix: the proxy refused the tunnel with a 4xx (wrong
 * credentials, a host it does not allow) or its URL is not valid.
 */
export function permanentNetworkError(error: unknown): boolean {
  const e = error as { code?: unknown; statusCode?: unknown } | undefined;
  if (e?.code === 'ERR_PROXY_INVALID_CONFIG') return true;
  return e?.code === 'ERR_PROXY_TUNNEL' && typeof e.statusCode === 'number' && e.statusCode < 500;
}

/** Describes a network error in words, without the URL (it may hold a token). */
export function describeNetworkError(error: unknown): string {
  const e = error as { code?: string; name?: string; message?: string };
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return 'timed out';
  switch (e?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name could not be resolved';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EPIPE':
      return 'connection closed while sending';
    case 'ERR_PROXY_TUNNEL': {
      // Never the error's message: it may quote the proxy URL, credentials and all.
      const status = (error as { statusCode?: unknown }).statusCode;
      return typeof status === 'number'
        ? `the proxy (HTTPS_PROXY / HTTP_PROXY) refused the tunnel (HTTP ${status}${status === 407 ? ': check the proxy credentials' : ''})`
        : 'the proxy (HTTPS_PROXY / HTTP_PROXY) failed to open a tunnel';
    }
    case 'ERR_PROXY_INVALID_CONFIG':
      return 'the proxy settings (HTTPS_PROXY / HTTP_PROXY) are not a valid URL';
    default:
      return e?.code ? `network error ${e.code}` : 'network error';
  }
}
