import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback } from './loopback';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Loopback endpoints for health-probe tests and benchmarks: each path answers as configured — fast,
 * slow, failing the first N times, never, behind a header — over http or https.
 */
export interface HealthRoute {
  /** Default 200. */
  readonly status?: number;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Default: application/json for non-string bodies, text/plain otherwise. */
  readonly contentType?: string;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Accept the connection and never answer. */
  readonly hang?: boolean;
  /** The first N requests fail: the connection is reset, or answered with this status. */
  readonly failFirst?: number;
  readonly failWith?: 'reset' | number;
  /** Answer 401 unless this header has this value. */
  readonly requireHeader?: { readonly name: string; readonly value: string };
}

export interface ReceivedProbe {
  readonly path: string;
  readonly method: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly at: number;
}

export interface HealthTargets {
  readonly port: number;
  /** `http(s)://127.0.0.1:port/path` */
  url(path: string): string;
  route(path: string, route: HealthRoute): void;
  /** Requests received on a path (query ignored). */
  hits(path: string): ReceivedProbe[];
  readonly received: ReceivedProbe[];
  close(): Promise<void>;
}

export interface HealthTargetsOptions {
  /** Serve https with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export async function startHealthTargets(options: HealthTargetsOptions = {}): Promise<HealthTargets> {
  const routes = new Map<string, HealthRoute>();
  const received: ReceivedProbe[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const hit: ReceivedProbe = { path, method: req.method ?? 'GET', headers: req.headers, at: Date.now() };
    received.push(hit);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
      return;
    }
    if (route.hang) return;
    const nth = received.filter((r) => r.path === path).length;
    if (route.failFirst && nth <= route.failFirst) {
      if ((route.failWith ?? 'reset') === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(route.failWith as number, { 'content-type': 'text/plain' }).end('failing on purpose');
      return;
    }
    if (route.requireHeader) {
      const got = req.headers[route.requireHeader.name.toLowerCase()];
      if (got !== route.requireHeader.value) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
        return;
      }
    }
    const answer = () => {
      const text =
        typeof route.body === 'string' ? route.body : JSON.stringify(route.body ?? { status: 'UP' });
      const type = route.contentType ?? (typeof route.body === 'string' ? 'text/plain' : 'application/json');
      res.writeHead(route.status ?? 200, { 'content-type': type }).end(text);
    };
    if (route.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, route.delayMs);
      timers.add(t);
    } else answer();
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : http.createServer(handler);
  const listening = await listenOnLoopback(server);
  const { port } = listening;
  const scheme = options.tls ? 'https' : 'http';
  return {
    port,
    url: (path) => `${scheme}://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    route: (path, route) => routes.set(path, route),
    hits: (path) => received.filter((r) => r.path === path),
    received,
    async close() {
      for (const t of timers) clearTimeout(t);
      await listening.close();
    },
  };
}

/** A loopback URL on which nothing listens: connecting is refused. */
export async function refusedUrl(path = '/health'): Promise<string> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}${path}`;
}

export interface Certificate {
  readonly cert: string;
  readonly key: string;
  /** How it was made: generated now with openssl, or the committed fixture (valid until 2126). */
  readonly source: 'openssl' | 'fixture';
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A self-signed certificate for 127.0.0.1 valid `days` days: made with `openssl req -x509` when
 * openssl exists, else the committed fixture (whose validity is fixed, so `days` is ignored).
 */
export function selfSignedCertificate(days = 365): Certificate {
  if (hasOpenssl()) {
    const dir = mkdtempSync(join(tmpdir(), 'cert-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          String(days),
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1,DNS:localhost',
        ],
        { stdio: 'ignore' },
      );
      return {
        cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
        key: readFileSync(join(dir, 'key.pem'), 'utf8'),
        source: 'openssl',
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return fixtureCertificate();
}

/** The committed self-signed certificate for 127.0.0.1 and localhost (valid 2026-2126). */
export function fixtureCertificate(): Certificate {
  const pem = readFileSync(join(FIXTURES, 'self-signed-127.0.0.1.pem'), 'utf8');
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(pem)?.[0] ?? '';
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(pem)?.[0] ?? '';
  return { cert, key, source: 'fixture' };
}

/**
 * A self-signed certificate for 127.0.0.1 that expired on 2020-02-01. `openssl req` cannot back-date
 * (OpenSSL 3.0), `openssl ca -selfsign` can. Needs openssl.
 */
export function expiredCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'expired-'));
  const at = (f: string) => join(dir, f);
  try {
    writeFileSync(at('index.txt'), '');
    writeFileSync(at('serial'), '01\n');
    writeFileSync(
      at('ca.cnf'),
      [
        '[ca]',
        'default_ca = CA_default',
        '[CA_default]',
        `database = ${at('index.txt')}`,
        `new_certs_dir = ${dir}`,
        `serial = ${at('serial')}`,
        'default_md = sha256',
        'policy = policy_any',
        'copy_extensions = copy',
        'unique_subject = no',
        '[policy_any]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
    run([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      at('key.pem'),
      '-out',
      at('req.csr'),
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    run([
      'ca',
      '-batch',
      '-config',
      at('ca.cnf'),
      '-selfsign',
      '-keyfile',
      at('key.pem'),
      '-in',
      at('req.csr'),
      '-out',
      at('cert.pem'),
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200201000000Z',
    ]);
    const pem = readFileSync(at('cert.pem'), 'utf8');
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(pem)?.[0] ?? '';
    return { cert, key: readFileSync(at('key.pem'), 'utf8'), source: 'openssl' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A forward proxy stand-in: answers absolute-URI requests (`GET http://host/path`) itself, the way a
 * corporate proxy would relay them, and records what it was asked.
 */
export async function startProxy(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'UP', via: 'proxy' }));
  });
  server.on('connect', (req, socket) => {
    requests.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  const { port, close } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, requests, close };
}
