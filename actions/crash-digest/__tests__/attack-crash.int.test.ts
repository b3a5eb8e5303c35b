/* Adversarial review, issues 17/18. Failing tests here are open findings (see the commit message). */
import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import { runAction, type ActionRun } from '@sre-toolkit/testkit';
import { ALERT_HOOK as ALERTS, crashReport, digestSandbox, DIGEST_HOOK as HOOK } from './fixtures';

/**
 * Adversarial review (issues 17/18): hostile crash reports through the committed bundle.
 * Every case asserts the property that should hold; a failing case is a finding.
 */
const SOURCE_TOKEN = 'srcTOKEN_very_secret_42';

const box = digestSandbox('crash-attack');

const report = crashReport;
const sentry = (extra: Record<string, unknown>) => ({
  exception: {
    values: [
      {
        type: 'StateError',
        value: 'Bad state',
        mechanism: { type: 'generic', handled: false },
        stacktrace: {
          frames: [{ function: 'Feature.run', abs_path: 'package:mara/src/feature.dart', lineno: 10 }],
        },
      },
    ],
  },
  level: 'fatal',
  release: 'mara@2.4.0+88',
  timestamp: Date.now() / 1000 - 3600,
  ...extra,
});

async function digest(name: string, records: unknown[], extra: Record<string, string> = {}) {
  writeFileSync(
    join(box.dir, name),
    records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n'),
  );
  return runAction('crash-digest', {
    inputs: {
      source: name,
      'app-package': 'mara',
      'webhook-url': box.discord.webhookUrl(HOOK.id, HOOK.token),
      'alerts-webhook-url': box.discord.webhookUrl(ALERTS.id, ALERTS.token),
      mention: 'role:123456789012345678',
      ...extra,
    },
    env: { GITHUB_WORKSPACE: box.dir },
    timeoutMs: 60_000,
  });
}

/** Lines the step log would run as commands that the action did not write itself. */
function foreignCommands(run: ActionRun): string[] {
  return run.stdout
    .split(/\r?\n/)
    .filter((l) => /^\s*(::|##\[)/.test(l))
    .filter(
      (l) => !/^::(add-mask|warning|error|notice|debug|group|endgroup|set-output)/.test(l) || /pwned/.test(l),
    );
}

const everything = (run: ActionRun) =>
  [
    JSON.stringify(box.discord.received.map((m) => m.body)),
    run.summary,
    JSON.stringify(run.outputs),
    run.log,
  ].join('\n');

/**
 * What renders markdown: Discord text outside code spans (a code span shows its text as typed),
 * and the job summary. Outputs and the log are data and text; they carry the scrubbed text as is.
 */
const rendered = (run: ActionRun) =>
  [JSON.stringify(box.discord.received.map((m) => m.body)).replace(/`[^`]*`/g, '``'), run.summary].join('\n');

const PAYLOAD = [
  '[Urgent: re-login](https://evil.example/m)',
  '<https://evil.example/angle>',
  '@everyone @here <@&123456789012345678> <@123456789012345678> <#123456789012345678>',
  '\u202Egnp.exe\u200B',
  '<!-- hidden -->',
  '\n::warning::pwned\n##[error]pwned',
  '`` ` ``` code ```',
].join(' ');

describe('crash-digest attack: text fields', () => {
  it('message with links, mentions, bidi, comments and command lines', async () => {
    const run = await digest('text.ndjson', [
      report({ message: PAYLOAD }),
      report({
        type: 'FormatException',
        message: 'x',
        context: PAYLOAD,
        library: PAYLOAD,
        osVersion: PAYLOAD,
        device: PAYLOAD,
      }),
      sentry({
        exception: {
          values: [
            {
              type: 'RangeError',
              value: PAYLOAD,
              stacktrace: {
                frames: [{ function: PAYLOAD, abs_path: `package:mara/${PAYLOAD}.dart`, lineno: 1 }],
              },
            },
          ],
        },
      }),
      report({
        type: 'ArgumentError',
        message: 'frames',
        stackTrace: `#0      ${PAYLOAD.replace(/\n/g, ' ')} (package:mara/\u202Eevil\`x\`.dart:1:1)\n#1 main (package:mara/[a](https://evil.example/f).dart:2:2)`,
      }),
    ]);
    const all = everything(run);
    expect(run.exitCode).toBe(0);
    expect(rendered(run)).not.toMatch(/\]\(https?:\/\/evil/);
    expect(all).not.toMatch(/[\u202E\u200B]/);
    expect(foreignCommands(run)).toEqual([]);
    for (const m of box.discord.received) {
      // Outside code spans (inert), and apart from the alert's own configured mention in `content`.
      const s = JSON.stringify({ ...m.body, content: undefined }).replace(/`[^`]*`/g, '``');
      expect(s).not.toMatch(/(?<!\\\\)@everyone/);
      expect(s).not.toMatch(/(?<!\\\\)<@&?\d+>/);
    }
    // Only the alert pings the configured role.
    const alert = box.discord.received.find((m) => m.webhookId === ALERTS.id);
    expect((alert?.body.allowed_mentions as { roles?: string[] })?.roles ?? []).toEqual([
      '123456789012345678',
    ]);
    expect(run.summary).not.toContain('<!--');
  });

  it('bare URLs from reports do not become clickable links in #alerts', async () => {
    const run = await digest('bare.ndjson', [
      report({ message: 'Session expired, re-login at https://evil.example/login or www.evil.example' }),
    ]);
    expect(run.exitCode).toBe(0);
    const alert = JSON.stringify(box.discord.received.map((m) => m.body));
    expect(alert).not.toMatch(/https:\/\/evil\.example\/login/);
    expect(run.summary).not.toMatch(/https:\/\/evil\.example\/login/);
  });
});

describe('crash-digest attack: timestamps and sizes', () => {
  it('a Sentry event with a huge numeric timestamp does not stop the digest', async () => {
    const run = await digest('time.ndjson', [
      report({}),
      sentry({ timestamp: 1e300 }),
      sentry({ timestamp: -1e300, exception: { values: [{ type: 'RangeError', value: 'old' }] } }),
      sentry({
        timestamp: Date.now() / 1000 - 60,
        exception: { values: [{ type: 'RangeError', value: 'old' }] },
      }),
    ]);
    expect(run.stderr).not.toMatch(/RangeError|Invalid time value/);
    expect(run.exitCode).toBe(0);
    expect(box.discord.received.length).toBeGreaterThan(0);
  });

  it('one huge timestamp alone', async () => {
    const run = await digest('time1.ndjson', [report({}), sentry({ timestamp: 1e13 })]);
    expect(run.stderr).not.toMatch(/RangeError|Invalid time value/);
    expect(run.exitCode).toBe(0);
    expect(box.discord.received.length).toBeGreaterThan(0);
  });

  it('Sentry events with 200k frames and 1 MB function names finish in seconds', async () => {
    const frames = Array.from({ length: 200_000 }, (_, i) => ({
      function: `f${i}.${'a<'.repeat(5)}`,
      abs_path: `package:mara/${'a/'.repeat(10)}x.dart`,
      lineno: i,
    }));
    const big = 'A.'.repeat(500_000) + '<' + '('.repeat(100_000);
    const run = await digest('frames.ndjson', [
      sentry({ exception: { values: [{ type: 'RangeError', value: 'm', stacktrace: { frames } }] } }),
      sentry({
        exception: {
          values: [
            {
              type: 'TypeError',
              value: 'm',
              stacktrace: {
                frames: [{ function: big, abs_path: `package:mara/${'../'.repeat(300_000)}x.dart` }],
              },
            },
          ],
        },
      }),
      sentry({
        release: `${'a@'.repeat(200_000)}1.0.0`,
        exception: { values: [{ type: 'ArgumentError', value: 'r' }] },
      }),
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeLessThan(10_000);
    expect(Buffer.byteLength(JSON.stringify(run.outputs))).toBeLessThan(2_000_000);
  });

  it('deeply nested JSON in a record and in a field does not crash', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const deepObj = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const run = await digest('deep.ndjson', [
      report({}),
      deep,
      `{"type":"StateError","message":${deepObj}}`,
      `{"exception":{"values":[{"type":"StateError","value":"x","stacktrace":{"frames":[${deepObj}]}}]},"timestamp":1}`,
      `{"exception":${deepObj},"timestamp":1}`,
      `${JSON.stringify(report({})).slice(0, -1)},"extra":${deep}}`,
    ]);
    expect(run.stderr).not.toMatch(/Maximum call stack|RangeError/);
    expect(run.exitCode).toBe(0);
    expect(box.discord.received.length).toBeGreaterThan(0);
  });

  it('long messages with pathological shapes stay linear', async () => {
    const shapes = [
      'a='.repeat(4000),
      'a.'.repeat(4000) + '@',
      'x@'.repeat(4000),
      '1.'.repeat(4000),
      '0x'.repeat(4000),
      '/'.repeat(8000),
      '+1 '.repeat(3000),
      'DE'.repeat(4000),
      'http://'.repeat(1000) + 'a:'.repeat(1000),
      ' '.repeat(8000) + 'a',
      '-'.repeat(8000),
      'a:a@'.repeat(2000),
      '/home/'.repeat(1500),
      '['.repeat(8000),
      '1'.repeat(8000),
      '1 '.repeat(4000),
      'a1'.repeat(4000),
      'a-b.'.repeat(2000),
      'Bearer '.repeat(1000),
      'key: '.repeat(1600),
      '"password":"'.repeat(600),
    ];
    const run = await digest(
      'shapes.ndjson',
      shapes.map((message, i) =>
        report({
          type: `E${i}`,
          message,
          stackTrace: `#0 ${message.slice(0, 2000)} (${message.slice(0, 2000)})`,
        }),
      ),
    );
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeLessThan(10_000);
  });
});

describe('crash-digest attack: source-url', () => {
  let server: http.Server;
  let port = 0;
  const seen: { url: string; auth?: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/redir-other') {
        // Same host, different port spelling: localhost vs 127.0.0.1
        res.writeHead(302, { location: `http://localhost:${port}/data?from=redirect` }).end();
        return;
      }
      if (u.pathname === '/redir-userinfo') {
        res.writeHead(302, { location: `http://x:y@127.0.0.1:${port}/data` }).end();
        return;
      }
      if (u.pathname === '/err') {
        res.writeHead(500).end(`::warning::pwned ${SOURCE_TOKEN}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(JSON.stringify(report({ message: PAYLOAD })) + '\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const viaUrl = (url: string) =>
    runAction('crash-digest', {
      inputs: {
        'source-url': url,
        'source-token': SOURCE_TOKEN,
        'app-package': 'mara',
        'webhook-url': box.discord.webhookUrl(HOOK.id, HOOK.token),
      },
      timeoutMs: 60_000,
    });

  it('query secrets, fragments and user info in source-url never show', async () => {
    const url = `http://reader:pa55word@127.0.0.1:${port}/data?page=1;sig=QSECRET1&from=QSECRET2&x=QSECRET3#access_token=FRAGSECRET`;
    const run = await viaUrl(url);
    const all = everything(run);
    for (const s of ['pa55word', 'QSECRET3', 'FRAGSECRET', SOURCE_TOKEN, HOOK.token])
      expect(all).not.toContain(s);
    expect(run.exitCode).toBe(0);
  });

  it('the token is not sent after a redirect to another origin', async () => {
    seen.length = 0;
    const run = await viaUrl(`http://127.0.0.1:${port}/redir-other`);
    expect(run.exitCode).toBe(0);
    expect(seen.filter((s) => s.auth?.includes(SOURCE_TOKEN)).map((s) => s.url)).toEqual(['/redir-other']);
  });

  it('an error page does not reach the log', async () => {
    const run = await viaUrl(`http://127.0.0.1:${port}/err`);
    expect(foreignCommands(run)).toEqual([]);
    expect(everything(run)).not.toContain(SOURCE_TOKEN);
  });
});
