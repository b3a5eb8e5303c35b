import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as http from 'node:http';
import * as https from 'node:https';
import { listenOnLoopback, selfSignedCertificate } from '@sre-toolkit/testkit';
import { httpFetch } from '../src/http-fetch';

type Listening = Awaited<ReturnType<typeof listenOnLoopback>>;
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const seen: Seen[] = [];
let a: Listening;
let b: Listening;
let base: string;
let other: string;

// Two origins (two ports): redirects between them drop credentials, as fetch does.
function server(): http.Server {
  return http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = req.url ?? '';
      if (url === '/json') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', link: '<x>; rel="next"' });
        res.end(JSON.stringify({ ok: true, echo: body }));
      } else if (url === '/moved') {
        res.writeHead(301, { location: '/json' });
        res.end();
      } else if (url === '/away') {
        res.writeHead(307, { location: `${other}/json` });
        res.end();
      } else if (url === '/see-other') {
        res.writeHead(303, { location: '/json' });
        res.end();
      } else if (url === '/empty') {
        res.writeHead(204);
        res.end();
      } else if (url === '/hang') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('nope');
      }
    });
  });
}

beforeAll(async () => {
  a = await listenOnLoopback(server());
  b = await listenOnLoopback(server());
  base = `http://127.0.0.1:${a.port}`;
  other = `http://127.0.0.1:${b.port}`;
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

describe('httpFetch', () => {
  it('sends method, headers and body, and reads status, headers and JSON', async () => {
    seen.length = 0;
    const res = await httpFetch(`${base}/json`, {
      method: 'POST',
      headers: { authorization: 'token t0k3n', 'content-type': 'application/json' },
      body: '{"title":"é"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    // Iterated as fetch's Headers are: lower-case names, sorted.
    const names = [...res.headers].map(([k]) => k);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['content-type', 'date', 'link']));
    expect(await res.json()).toEqual({ ok: true, echo: '{"title":"é"}' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/json', body: '{"title":"é"}' });
    expect(seen[0]?.headers['content-length']).toBe(String(Buffer.byteLength('{"title":"é"}')));
    expect(seen[0]?.headers.authorization).toBe('token t0k3n');
  });

  it('follows a redirect on the same origin, keeping the token', async () => {
    seen.length = 0;
    const res = await httpFetch(`${base}/moved`, { headers: { authorization: 'token t0k3n' } });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/json`);
    expect(res.redirected).toBe(true);
    expect(seen.map((s) => [s.url, s.headers.authorization])).toEqual([
      ['/moved', 'token t0k3n'],
      ['/json', 'token t0k3n'],
    ]);
  });

  it('drops the token when a redirect leaves the origin, and turns a 303 into a GET', async () => {
    seen.length = 0;
    await httpFetch(`${base}/away`, { headers: { Authorization: 'token t0k3n' } });
    await httpFetch(`${base}/see-other`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(seen.map((s) => [s.method, s.url, s.headers.authorization, s.body])).toEqual([
      ['GET', '/away', 'token t0k3n', ''],
      ['GET', '/json', undefined, ''],
      ['POST', '/see-other', undefined, '{}'],
      ['GET', '/json', undefined, ''],
    ]);
  });

  it('answers a 204 with an empty body and a 404 with its text', async () => {
    const empty = await httpFetch(`${base}/empty`);
    expect([empty.status, await empty.text()]).toEqual([204, '']);
    const missing = await httpFetch(`${base}/missing`);
    expect([missing.status, missing.ok, await missing.text()]).toEqual([404, false, 'nope']);
  });

  it('rejects with an AbortError when the signal aborts while the body is read', async () => {
    const controller = new AbortController();
    const res = await httpFetch(`${base}/hang`, { signal: controller.signal });
    const text = res.text();
    controller.abort();
    await expect(text).rejects.toMatchObject({ name: 'AbortError' });
    await expect(httpFetch(`${base}/json`, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('rejects a refused connection as fetch does: TypeError "fetch failed" with the cause', async () => {
    const closed = await listenOnLoopback(http.createServer());
    const url = `http://127.0.0.1:${closed.port}/`;
    await closed.close();
    const error = await httpFetch(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it('speaks TLS to an https URL and verifies the certificate', async () => {
    const { cert, key } = selfSignedCertificate();
    const tls = await listenOnLoopback(https.createServer({ cert, key }, (_req, res) => res.end('secret')));
    try {
      const error = await httpFetch(`https://127.0.0.1:${tls.port}/`).catch((e: unknown) => e);
      expect((error as Error).message).toBe('fetch failed');
      expect((error as { cause?: { code?: string } }).cause?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await tls.close();
    }
  });
});
