/* Adversarial review, issues 17/18. Failing tests here are open findings (see the commit message). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as http from 'node:http';
import { runAction, startDiscordServer, type ActionRun, type DiscordServer } from '@sre-toolkit/testkit';

/** Adversarial review (issues 17/18): hostile targets through the committed health-probe bundle. */
const PAYLOAD =
  '[Urgent: re-login](https://evil.example/m) <https://evil.example/a> @everyone <@&123456789012345678> \u202Eexe\u200B <!-- x --> ` ``` \n::warning::pwned\n##[error]pwned';

let discord: DiscordServer;
let server: http.Server;
let port = 0;
const base = () => `http://127.0.0.1:${port}`;
beforeAll(async () => {
  discord = await startDiscordServer();
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    switch (u.pathname) {
      case '/json':
        res.writeHead(503, {
          'content-type': 'application/json',
          'x-payload': PAYLOAD.replace(/[^\x20-\x7e]/g, ' '),
        });
        res.end(JSON.stringify({ status: PAYLOAD, [PAYLOAD]: PAYLOAD }));
        return;
      case '/ctype':
        res.writeHead(200, { 'content-type': `text/html; ${PAYLOAD.replace(/[\n\u202E\u200B]/g, ' ')}` });
        res.end('<html>');
        return;
      case '/redirect':
        res.writeHead(302, { location: `https://evil.example/login?next=${encodeURIComponent(PAYLOAD)}` });
        res.end();
        return;
      case '/errors':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('error'.repeat(3300));
        return;
      case '/down':
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(PAYLOAD);
        return;
      default:
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await discord.close();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => discord.reset());

const probe = (targets: string, extra: Record<string, string> = {}, timeoutMs = 60_000) =>
  runAction('health-probe', {
    inputs: {
      targets,
      issue: 'false',
      retries: '0',
      'retry-delay': '0s',
      'webhook-url': discord.webhookUrl(),
      ...extra,
    },
    timeoutMs,
  });

const everything = (run: ActionRun) =>
  [
    JSON.stringify(discord.received.map((m) => m.body)),
    run.summary,
    JSON.stringify(run.outputs),
    run.log,
  ].join('\n');

const foreignCommands = (run: ActionRun) =>
  run.stdout.split(/\r?\n/).filter((l) => /^\s*(::|##\[)/.test(l) && /pwned/.test(l));

describe('health-probe attack', () => {
  it('hostile JSON bodies, content types and redirects reach nothing live', async () => {
    const run = await probe(
      [
        `- name: json\n  url: ${base()}/json\n  expect-json: { status: UP }`,
        `- name: ctype\n  url: ${base()}/ctype\n  expect-json: { status: UP }`,
        `- name: redirect\n  url: ${base()}/redirect`,
        `- name: down\n  url: ${base()}/down\n  expect-text: needle`,
      ].join('\n'),
    );
    const all = everything(run);
    expect(foreignCommands(run)).toEqual([]);
    expect(all).not.toMatch(/\]\(https?:\/\/evil/);
    expect(all).not.toMatch(/[\u202E\u200B]/);
    expect(all).not.toContain('evil.example/login');
    for (const m of discord.received)
      expect(JSON.stringify(m.body)).not.toMatch(/(?<!\\\\)<@&\d+>|(?<!\u2060)@everyone/);
  });

  it('secrets in fragments, ;-separated and plain-named query values, and user info never show', async () => {
    const secrets = ['FRAGSECRET1', 'SEMISECRET2', 'FROMSECRET3', 'USERPASS4', 'HDRSECRET5'];
    const run = await probe(
      [
        `- name: frag\n  url: "http://127.0.0.1:1/health?page=1;sig=SEMISECRET2&v=FROMSECRET3#access_token=FRAGSECRET1"`,
        `- name: user\n  url: "http://u:USERPASS4@127.0.0.1:1/h"\n  headers: { X-Api-Key: HDRSECRET5 }`,
      ].join('\n'),
    );
    const all = everything(run);
    const leaked = secrets.filter((s) => all.includes(s));
    for (const [where, text] of Object.entries({
      discord: JSON.stringify(discord.received.map((m) => m.body)),
      summary: run.summary,
      outputs: JSON.stringify(run.outputs),
      log: run.log,
    }))
      for (const s of secrets)
        if (text.includes(s))
          console.log(
            `LEAK ${s} in ${where}: ${text.slice(Math.max(0, text.indexOf(s) - 120), text.indexOf(s) + 40)}`,
          );
    expect(leaked).toEqual([]);
  });

  it('a billion-laughs targets YAML is refused quickly', async () => {
    const lol = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'targets:',
      `  - name: x\n    url: ${base()}/ok\n    headers: { X-A: *g }`,
    ].join('\n');
    const run = await probe(lol, {}, 30_000);
    expect(run.durationMs).toBeLessThan(10_000);
    expect(run.exitCode).toBe(1);
  });

  it('a natural expect-text regex on a hostile body finishes in seconds', async () => {
    const run = await probe(
      `- name: errors\n  url: ${base()}/errors\n  expect-text: /.*error.*timeout/`,
      {},
      20_000,
    );
    expect(run.durationMs).toBeLessThan(10_000);
  }, 30_000);
});
