import * as http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import type { TLSSocket } from 'node:tls';
import { monotonicMs } from './clock';

/** Milliseconds from the start of the attempt to each phase; absent when the phase did not happen. */
export interface PhaseTimings {
  dns?: number;
  connect?: number;
  tls?: number;
  /** Time to first byte: the response head arrived. */
  ttfb?: number;
  total: number;
}

export interface AttemptRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export type AttemptOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly contentType: string;
      readonly body: string;
      readonly timings: PhaseTimings;
      /** When the server's certificate stops being valid (https only). */
      readonly certValidTo?: Date;
    }
  | { readonly kind: 'error'; readonly error: string; readonly timings: PhaseTimings };

/** One HTTP exchange; never rejects. */
export type Attempt = (request: AttemptRequest) => Promise<AttemptOutcome>;

/** Enough of any health body to check it; a probe must not buffer a download. */
const MAX_BODY = 1024 * 1024;

export interface HttpClientOptions {
  /** Maximum sockets per protocol: the probe concurrency. */
  readonly maxSockets: number;
  readonly userAgent: string;
  /**
   * The environment whose HTTP_PROXY / HTTPS_PROXY / NO_PROXY the agents follow (Node 24.5+ agents
   * tunnel through them natively; older Node ignores the option). Omit to connect directly.
   */
  readonly proxyEnv?: NodeJS.ProcessEnv;
}

/**
 * node:http / node:https with one agent per protocol for the whole run. Connections are not kept
 * alive: every attempt pays its own DNS, connect and TLS, which is what a probe should measure.
 * node:https (and TLS with it) loads on the first https target, before its clock starts: a run of
 * plain-http targets never loads it.
 */
export function httpClient(options: HttpClientOptions): { attempt: Attempt; close(): void } {
  const proxy = options.proxyEnv && hasProxy(options.proxyEnv) ? { proxyEnv: options.proxyEnv } : {};
  const agentOptions = { keepAlive: false, maxSockets: options.maxSockets, ...proxy };
  let https: { module: typeof Https; agent: Https.Agent } | undefined;
  const secureClient = () => {
    if (!https) {
      const module = createRequire(import.meta.url)('node:https') as typeof Https;
      https = { module, agent: new module.Agent(agentOptions) };
    }
    return https;
  };
  const plainAgent = new http.Agent(agentOptions);
  const attempt: Attempt = (req) =>
    new Promise<AttemptOutcome>((resolve) => {
      const url = new URL(req.url);
      const secure = url.protocol === 'https:';
      const client = secure ? secureClient() : { module: http, agent: plainAgent };
      const started = monotonicMs();
      const since = () => Math.round(monotonicMs() - started);
      const timings: PhaseTimings = { total: 0 };
      let done = false;
      let request: http.ClientRequest | undefined;
      // One limit for the whole attempt: connect, TLS, response head and body.
      const timer = setTimeout(() => {
        request?.destroy(Object.assign(new Error('probe timeout'), { code: 'PROBE_TIMEOUT' }));
      }, req.timeoutMs);
      const finish = (outcome: AttemptOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        timings.total = since();
        resolve(outcome);
      };
      const headers: Record<string, string> = {
        'user-agent': options.userAgent,
        accept: '*/*',
        ...req.headers,
      };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
      try {
        request = client.module.request(url, { method: req.method, headers, agent: client.agent });
      } catch (error) {
        finish({ kind: 'error', error: describeRequestError(error, req.timeoutMs), timings });
        return;
      }
      request.once('socket', (socket) => {
        socket.once('lookup', () => (timings.dns = since()));
        socket.once('connect', () => (timings.connect = since()));
        socket.once('secureConnect', () => (timings.tls = since()));
      });
      request.once('response', (res) => {
        timings.ttfb = since();
        let certValidTo: Date | undefined;
        if (secure) {
          const cert = (res.socket as TLSSocket).getPeerCertificate?.();
          const validTo = cert?.valid_to ? new Date(cert.valid_to) : undefined;
          if (validTo && !Number.isNaN(validTo.getTime())) certValidTo = validTo;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const complete = () =>
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
            timings,
            ...(certValidTo ? { certValidTo } : {}),
          });
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY) return;
          chunks.push(chunk.subarray(0, MAX_BODY - size));
          size += chunk.length;
          if (size >= MAX_BODY) {
            complete();
            res.destroy();
          }
        });
        res.once('end', complete);
        res.once('error', (error) =>
          finish({ kind: 'error', error: describeRequestError(error, req.timeoutMs), timings }),
        );
        res.once('close', () => {
          if (!res.complete)
            finish({ kind: 'error', error: 'connection closed before the response was complete', timings });
        });
      });
      request.once('error', (error) =>
        finish({ kind: 'error', error: describeRequestError(error, req.timeoutMs), timings }),
      );
      request.end(req.body);
    });
  return {
    attempt,
    close() {
      plainAgent.destroy();
      https?.agent.destroy();
    },
  };
}

function hasProxy(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/** `10 s`, `1.5 s`, `500 ms`. */
export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

const TLS_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate is self-signed (not issued by a trusted authority)',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate chain ends in a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'certificate could not be verified: its issuer is unknown (missing intermediate certificate?)',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate could not be verified: its issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate was issued by an authority this runner does not trust',
  CERT_REVOKED: 'certificate has been revoked',
  CERT_SIGNATURE_FAILURE: 'certificate signature is invalid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match the host name',
  ERR_SSL_WRONG_VERSION_NUMBER:
    'TLS handshake failed: the server did not answer with TLS (is it plain http?)',
  EPROTO: 'TLS handshake failed',
};

/** A failed request in words, never repeating the URL (it may hold credentials). */
export function describeRequestError(error: unknown, timeoutMs: number): string {
  const e = error as { code?: string; message?: string; statusCode?: number };
  const code = e?.code ?? '';
  if (code === 'PROBE_TIMEOUT') return `timed out after ${formatSeconds(timeoutMs)}`;
  if (TLS_ERRORS[code]) return TLS_ERRORS[code];
  if (/^ERR_SSL_/.test(code))
    return `TLS handshake failed (${code
      .replace(/^ERR_SSL_/, '')
      .toLowerCase()
      .replace(/_/g, ' ')})`;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return /hang up/i.test(e.message ?? '')
        ? 'connection closed by the server without a response'
        : 'connection reset by the server';
    case 'ENOTFOUND':
      return 'host name not found (DNS)';
    case 'EAI_AGAIN':
      return 'host name could not be resolved (DNS temporarily failing)';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable (no route; GitHub-hosted runners have no IPv6)';
    case 'EPIPE':
      return 'connection closed while sending the request';
    case 'ERR_INVALID_HTTP_TOKEN':
    case 'ERR_INVALID_CHAR':
      return 'request has an invalid header';
    case 'ERR_PROXY_TUNNEL':
      // Not the message: it may quote the proxy URL with its credentials.
      return e.statusCode
        ? `the proxy refused the tunnel (HTTP ${e.statusCode})`
        : 'the proxy failed (ERR_PROXY_TUNNEL)';
    case 'ERR_PROXY_INVALID_CONFIG':
      return 'the proxy settings (HTTPS_PROXY / HTTP_PROXY) are not valid';
    default:
      if (/^HPE_/.test(code)) return 'the server sent an invalid HTTP response';
      return code ? `request failed (${code})` : `request failed (${e?.message ?? 'unknown error'})`;
  }
}
