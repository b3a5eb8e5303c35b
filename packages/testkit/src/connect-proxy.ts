import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { dirname, join } from 'node:path';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { listenOnLoopback } from './loopback';

/**
 * A loopback forward proxy, the kind a self-hosted runner sits behind (squid, a corporate egress
 * proxy): `CONNECT host:port` tunnels for https, absolute-form requests for plain http, optional
 * Basic credentials (407 without them). It never reaches beyond loopback: a tunnel to any other
 * host is refused with 502, except the hosts named in `intercept`, whose TLS it ends itself with
 * the committed certificate for discord.com (trust it with `NODE_EXTRA_CA_CERTS=certificateFile`)
 * and whose decrypted requests it hands to a loopback stand-in. So a test can post to the real
 * `https://discord.com/api/webhooks/…` URL and prove the bytes went through the proxy, with no DNS.
 */

export interface ProxyRequest {
  /** `CONNECT` for a tunnel, else the forwarded request's method. */
  readonly method: string;
  /** `host:port` for a tunnel, the absolute URL otherwise. */
  readonly target: string;
  /** The `Proxy-Authorization` header as sent, if any. */
  readonly authorization?: string;
  /** The status the proxy answered with (200 for an opened tunnel). */
  readonly status: number;
}

export interface ConnectProxyOptions {
  /** Require these credentials (Basic); answer 407 to anything else. */
  readonly credentials?: { readonly user: string; readonly password: string };
  /** Hosts (e.g. `discord.com`) whose tunnels end here and go on, decrypted, to `upstream`. */
  readonly intercept?: { readonly hosts: readonly string[]; readonly upstream: string };
}

export interface ConnectProxy {
  /** `http://127.0.0.1:port` (no credentials: add them with `urlWith`). */
  readonly url: string;
  /** The proxy URL with credentials, as a runner's HTTPS_PROXY would hold them. */
  urlWith(user: string, password: string): string;
  /** Every request the proxy received, in order. */
  readonly requests: ProxyRequest[];
  close(): Promise<void>;
}

const FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'discord-com-interception.pem',
);

/** The PEM file of the certificate the proxy shows for intercepted hosts (valid 2026-2126). */
export const INTERCEPTION_CERTIFICATE_FILE = FIXTURE;

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[?::1\]?)$/;

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const pem = readFileSync(FIXTURE, 'utf8');
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(pem)?.[0] ?? '';
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(pem)?.[0] ?? '';
  const requests: ProxyRequest[] = [];
  const sockets = new Set<net.Socket>();
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined;
  const record = (method: string, target: string, auth: string | undefined, status: number) =>
    requests.push({ method, target, ...(auth ? { authorization: auth } : {}), status });
  const authorized = (auth: string | undefined) => !expected || auth === expected;
  const intercepted = new Set((options.intercept?.hosts ?? []).map((h) => h.toLowerCase()));
  const upstream = options.intercept ? new URL(options.intercept.upstream) : undefined;

  const server = http.createServer((req, res) => {
    const auth = req.headers['proxy-authorization'];
    const target = req.url ?? '';
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      record(req.method ?? '', target, auth, 400);
      return void res.writeHead(400).end('not a proxy request');
    }
    if (!authorized(auth)) {
      record(req.method ?? '', target, auth, 407);
      return void res.writeHead(407, { 'proxy-authenticate': 'Basic realm="stand-in"' }).end();
    }
    if (!LOOPBACK.test(url.hostname)) {
      record(req.method ?? '', target, auth, 502);
      return void res.writeHead(502).end('the stand-in proxy reaches only loopback');
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const out = http.request(url, { method: req.method, headers }, (answer) => {
      record(req.method ?? '', target, auth, answer.statusCode ?? 0);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => {
      record(req.method ?? '', target, auth, 502);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const auth = req.headers['proxy-authorization'];
    const target = req.url ?? '';
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon).toLowerCase();
    const port = Number(target.slice(colon + 1));
    const refuse = (status: number, text: string) => {
      record('CONNECT', target, auth, status);
      client.end(
        `HTTP/1.1 ${status} ${text}\r\n${status === 407 ? 'Proxy-Authenticate: Basic realm="stand-in"\r\n' : ''}\r\n`,
      );
    };
    if (!authorized(auth)) return refuse(407, 'Proxy Authentication Required');
    if (intercepted.has(host) && upstream) {
      record('CONNECT', target, auth, 200);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) client.unshift(head);
      const secure = new tls.TLSSocket(client, { isServer: true, cert, key });
      const next = net.connect(Number(upstream.port), upstream.hostname);
      sockets.add(next);
      next.on('close', () => sockets.delete(next));
      next.on('error', () => secure.destroy());
      secure.on('error', () => next.destroy());
      secure.pipe(next).pipe(secure);
      return;
    }
    if (!LOOPBACK.test(host) || !Number.isInteger(port)) return refuse(502, 'Bad Gateway');
    const next = net.connect(port, host.replace(/^\[|\]$/g, ''));
    sockets.add(next);
    next.on('close', () => sockets.delete(next));
    let opened = false;
    next.once('connect', () => {
      opened = true;
      record('CONNECT', target, auth, 200);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) next.write(head);
      next.pipe(client).pipe(next);
    });
    next.on('error', () => {
      if (opened) client.destroy();
      else refuse(502, 'Bad Gateway');
    });
  });

  const { port, close } = await listenOnLoopback(server);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    urlWith: (user, password) =>
      `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await close();
    },
  };
}
