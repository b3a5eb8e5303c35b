import * as http from 'node:http';
import { listenOnLoopback } from './loopback';

/**
 * A loopback proxy in front of the GitHub stand-in, for faults the stand-in cannot make by itself:
 * a GitHub that accepts the connection and never answers, an error sent after the request was
 * carried out (the issue exists, the client saw a 502), and answers rewritten (an issue shown as
 * opened by someone else). Point GITHUB_API_URL at `proxy.url`.
 */

export type ProxyFault =
  /** Reads the request and never answers (the connection stays open until the proxy closes). */
  | { kind: 'hang' }
  /** Forwards the request, drops the stand-in's answer and sends `status` instead. */
  | { kind: 'status-after-forward'; status: number };

export interface ProxyMatch {
  readonly method?: string;
  /** Matches the request path (without the query). */
  readonly path?: string | RegExp;
}

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** The status sent to the client; 0 for a hung request. */
  readonly status: number;
}

export interface GitHubProxy {
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: ProxiedRequest[];
  /** Queues a fault for the next `times` matching requests (default 1; Infinity for all). */
  fail(fault: ProxyFault, match?: ProxyMatch, times?: number): void;
  /** Rewrites every JSON answer forwarded from the stand-in. */
  rewrite(fn: ((request: { method: string; path: string }, body: unknown) => unknown) | undefined): void;
  close(): Promise<void>;
}

export async function startGitHubProxy(upstream: string): Promise<GitHubProxy> {
  const base = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const faults: { fault: ProxyFault; match: ProxyMatch; left: number }[] = [];
  let rewriter: ((request: { method: string; path: string }, body: unknown) => unknown) | undefined;

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = faults.find(
        ({ match, left }) =>
          left > 0 &&
          (!match.method || match.method.toUpperCase() === method) &&
          (!match.path || (typeof match.path === 'string' ? match.path === path : match.path.test(path))),
      );
      if (entry) entry.left--;
      const fault = entry?.fault;
      if (fault?.kind === 'hang') {
        requests.push({ method, path, status: 0 });
        return;
      }
      const headers = { ...req.headers, host: base.host };
      delete headers['content-length'];
      const body = Buffer.concat(chunks);
      const forwarded = http.request(
        new URL(req.url ?? '/', base),
        { method, headers: { ...headers, ...(body.length ? { 'content-length': body.length } : {}) } },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            if (fault?.kind === 'status-after-forward') {
              requests.push({ method, path, status: fault.status });
              res.writeHead(fault.status, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ message: 'Server Error' }));
              return;
            }
            let text = Buffer.concat(parts).toString('utf8');
            const json = /json/.test(String(up.headers['content-type'])) && text;
            if (json && rewriter) text = JSON.stringify(rewriter({ method, path }, JSON.parse(text)));
            const out = { ...up.headers };
            delete out['content-length'];
            delete out['transfer-encoding'];
            // Links to further pages name the stand-in: point them at the proxy.
            if (typeof out.link === 'string') out.link = out.link.split(base.origin).join(proxyOrigin());
            requests.push({ method, path, status: up.statusCode ?? 0 });
            res.writeHead(up.statusCode ?? 502, { ...out, 'content-length': Buffer.byteLength(text) });
            res.end(text);
          });
        },
      );
      forwarded.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `proxy error: ${e.message}` }));
      });
      forwarded.end(body);
    });
  });
  const { port, close } = await listenOnLoopback(server);
  const proxyOrigin = () => `http://127.0.0.1:${port}`;
  return {
    url: proxyOrigin() + base.pathname.replace(/\/+$/, ''),
    requests,
    fail: (fault, match = {}, times = 1) => void faults.push({ fault, match, left: times }),
    rewrite: (fn) => {
      rewriter = fn;
    },
    close,
  };
}
