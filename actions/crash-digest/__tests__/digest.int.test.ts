import { describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CrashGroup } from '@sre-toolkit/crashes';
import { corpusExpectations, corpusPersonalData, crashCorpusLines, runAction } from '@sre-toolkit/testkit';
import { ALERT_HOOK, crashReport, digestSandbox, DIGEST_HOOK } from './fixtures';

const box = digestSandbox('crash-digest');

/** The corpus is generated against the wall clock: the bundle's `now` is a few ms later. */
function corpusFile(name: string, format: 'ndjson' | 'json' = 'ndjson'): string {
  const lines = [...crashCorpusLines({ now: Date.now() })];
  const file = join(box.dir, name);
  writeFileSync(file, format === 'ndjson' ? lines.join('\n') + '\n' : `[\n${lines.join(',\n')}\n]\n`);
  return file;
}

const byCulprit = (groups: CrashGroup[], culprit: string) =>
  groups.filter((g) => g.culprit.startsWith(culprit));

const expected = corpusExpectations({ now: 0 });
const exp = (bug: string) => expected.find((e) => e.bug === bug)!;

describe('crash-digest bundle on the known-bugs corpus', () => {
  it('groups, counts, flags new and critical crashes, posts the digest and one alert, leaks no personal data', async () => {
    corpusFile('reports-1.ndjson');
    const digestFile = join(box.dir, 'out', 'digest.json');
    const run = await runAction('crash-digest', {
      inputs: {
        source: 'reports-*.ndjson',
        'app-package': 'mara',
        'webhook-url': box.discord.webhookUrl(DIGEST_HOOK.id, DIGEST_HOOK.token),
        'alerts-webhook-url': box.discord.webhookUrl(ALERT_HOOK.id, ALERT_HOOK.token),
        'digest-file': digestFile,
        mention: '<@&123456789012345678>',
      },
      env: { GITHUB_WORKSPACE: box.dir },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ total: '176', groups: '8', new: '1', critical: '3' });

    const file = JSON.parse(readFileSync(digestFile, 'utf8')) as {
      window: { duration_ms: number };
      totals: Record<string, number>;
      rejected: Record<string, number>;
      groups: CrashGroup[];
    };
    expect(file.window.duration_ms).toBe(86_400_000);
    expect(file.totals).toEqual({
      reports: 176,
      history: 415,
      groups: 8,
      fatal: 17,
      users: 123,
      new: 1,
      critical: 3,
      rejected: 3,
    });
    expect(file.rejected).toEqual({
      'not valid JSON': 1,
      'crash report: type is missing': 1,
      'crash report: source: Invalid option: expected one of "flutter"|"platform"|"zone"': 1,
    });
    const groups = file.groups;
    expect(groups).toHaveLength(8);
    // One bug across 2.3.0 and 2.4.0 (lines moved) is one group.
    const [login] = byCulprit(groups, 'auth_repository.dart in AuthRepository.signIn');
    expect(login).toMatchObject({
      count: exp('login-null-check').count,
      users: exp('login-null-check').users,
      versions: ['2.4.0', '2.3.0'],
      platforms: ['android', 'ios'],
      new: false,
      critical: [],
    });
    // Same type and message, different code: two groups.
    const noElement = groups.filter((g) => g.title === 'StateError: Bad state: No element');
    expect(noElement.map((g) => [g.culprit, g.count, g.fatal, g.new])).toEqual([
      ['cart_service.dart in CartService.applyCoupon', 12, 12, true],
      ['profile_repository.dart in ProfileRepository.primaryAddress', 8, 0, false],
    ]);
    expect(byCulprit(groups, 'cart_service.dart')[0]?.critical).toEqual(['new fatal']);
    expect(byCulprit(groups, 'api_client.dart')[0]).toMatchObject({
      count: 60,
      spike: true,
      critical: ['spike'],
    });
    expect(byCulprit(groups, 'feed_controller.dart')[0]).toMatchObject({
      count: 11,
      regressed: true,
      critical: ['regressed'],
    });
    // Recursion collapses to one frame; the group is the same for every report.
    expect(byCulprit(groups, 'tree.dart in TreeNode.depth')[0]).toMatchObject({ count: 5, fatal: 5 });
    // Obfuscated traces group by build id + frame offsets: the corpus's are one crash site.
    expect(groups.find((g) => g.type === 'FormatException')).toMatchObject({
      basis: 'addresses',
      count: 15,
      title: 'FormatException: Invalid radix-<num> number (at character <num>)',
    });
    // Sentry events (frames oldest first) group by their most recent in-app frame.
    expect(byCulprit(groups, 'sync_worker.dart in SyncWorker.run.<fn>')[0]).toMatchObject({
      count: 25,
      users: 20,
    });
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(176);

    // The digest to #crashes, the alert to #alerts.
    const digestMsgs = box.discord.received.filter((m) => m.webhookId === DIGEST_HOOK.id);
    const alertMsgs = box.discord.received.filter((m) => m.webhookId === ALERT_HOOK.id);
    expect(digestMsgs).toHaveLength(1);
    expect(alertMsgs).toHaveLength(1);
    const digestEmbeds = digestMsgs[0]!.body.embeds as { title?: string; fields?: { name: string }[] }[];
    expect(digestEmbeds[0]?.title).toBe('⚠️ 176 crashes in mara in the last 24h: 8 groups, 1 new');
    expect(digestEmbeds[0]?.fields).toHaveLength(8);
    expect(digestMsgs[0]!.body.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
    expect(digestMsgs[0]!.body.content).toBeUndefined();
    const alert = alertMsgs[0]!.body as {
      content: string;
      allowed_mentions: unknown;
      embeds: { title: string; fields: { name: string }[] }[];
    };
    expect(alert.content).toBe('<@&123456789012345678>');
    expect(alert.allowed_mentions).toEqual({ parse: [], users: [], roles: ['123456789012345678'] });
    expect(alert.embeds[0]?.title).toBe(
      '❌ 3 critical crash groups in mara: 1 new fatal, 1 regression, 1 spike',
    );
    expect(alert.embeds[0]?.fields.map((f) => f.name.split(':')[0])).toEqual([
      'Severity',
      'Runbook',
      '📈 spike',
      '🆕 new fatal',
      '🔁 regressed',
    ]);

    expect(run.summary).toContain('| 176 | 8 | 17 | 123 | 1 | 3 | 3 |');
    expect(JSON.parse(run.outputs.digest ?? '[]')).toHaveLength(8);

    // Scrubbing: no e-mail, token, IP, user id or user path from the corpus leaves the runner.
    const everything = [
      JSON.stringify(run.outputs),
      run.summary,
      run.log,
      readFileSync(digestFile, 'utf8'),
      JSON.stringify(box.discord.received.map((m) => m.body)),
    ].join('\n');
    const leaked = corpusPersonalData({ now: 0 }).filter((secret) => everything.includes(secret));
    expect(leaked).toEqual([]);
    expect(everything).toContain('[Filtered]');
    expect(run.log).not.toContain(DIGEST_HOOK.token);
    expect(run.log).not.toContain(ALERT_HOOK.token);
    expect(run.masked).toEqual(expect.arrayContaining([DIGEST_HOOK.token, ALERT_HOOK.token]));
  });

  it('reads a JSON array from source-url with the bearer token, masked, and finds the same groups', async () => {
    const body = readFileSync(corpusFile('served.json', 'json'), 'utf8');
    const token = 'crash-export-token-9f8e7d6c';
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401).end('no');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      // Several chunks, so elements straddle chunk boundaries.
      for (let i = 0; i < body.length; i += 4096) res.write(body.slice(i, i + 4096));
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const run = await runAction('crash-digest', {
        inputs: {
          'source-url': `http://127.0.0.1:${port}/api/crashes/export`,
          'source-token': token,
          'app-package': 'mara',
          'dry-run': 'true',
        },
      });
      expect(run.exitCode).toBe(0);
      expect(seen).toEqual([`Bearer ${token}`]);
      expect(run.outputs).toMatchObject({ total: '176', groups: '8', new: '1', critical: '3' });
      expect(run.masked).toContain(token);
      expect(run.log).not.toContain(token);
      expect(box.discord.received).toHaveLength(0);
      expect(run.log).toContain('Discord crash digest (not sent: dry run), one message');
    } finally {
      server.close();
    }
  });

  it('with scrub false, the same corpus does leak: the scrubbing check above can fail', async () => {
    corpusFile('raw-1.ndjson');
    const digestFile = join(box.dir, 'raw.json');
    const run = await runAction('crash-digest', {
      inputs: {
        source: 'raw-*.ndjson',
        'app-package': 'mara',
        scrub: 'false',
        'dry-run': 'true',
        'digest-file': digestFile,
      },
      env: { GITHUB_WORKSPACE: box.dir },
    });
    expect(run.exitCode).toBe(0);
    const file = readFileSync(digestFile, 'utf8');
    // Parameterization already hides addresses in titles; the JWT survives it and only scrub removes it.
    expect(file).toMatch(/Bearer eyJhbGciOiJIUzI1NiJ9\./);
    expect(file).not.toContain('[token]');
  });

  it('splits a long digest into several Discord messages, each within limits', async () => {
    const now = Date.now();
    const lines = Array.from({ length: 45 }, (_, i) =>
      JSON.stringify(
        crashReport({
          type: `Bug${i}Error`,
          message: `${'a long explanation of what went wrong in this part of the app '.repeat(6)}(${i})`,
          stackTrace: `#0      Feature${i}.run (package:mara/src/feature_${i}.dart:10:5)`,
          fatal: false,
          timestamp: new Date(now - 3_600_000 - i * 1000).toISOString(),
        }),
      ),
    );
    writeFileSync(join(box.dir, 'many.ndjson'), lines.join('\n'));
    const run = await runAction('crash-digest', {
      inputs: {
        source: 'many.ndjson',
        'app-package': 'mara',
        top: '45',
        'webhook-url': box.discord.webhookUrl(DIGEST_HOOK.id, DIGEST_HOOK.token),
      },
      env: { GITHUB_WORKSPACE: box.dir },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.groups).toBe('45');
    expect(box.discord.rejected).toEqual([]);
    expect(box.discord.received.length).toBeGreaterThan(1);
    const fields = box.discord.received.flatMap((m) =>
      (m.body.embeds as { fields?: unknown[] }[]).flatMap((e) => e.fields ?? []),
    );
    expect(fields).toHaveLength(45);
  });

  it('warns and puts the undelivered digest in the summary when Discord fails; fails with fail-on-error', async () => {
    corpusFile('fail-1.ndjson');
    const inputs = {
      source: 'fail-*.ndjson',
      'app-package': 'mara',
      'webhook-url': box.discord.webhookUrl('999999999999999999', 'gone_TOKEN_1234'),
    };
    const lenient = await runAction('crash-digest', { inputs, env: { GITHUB_WORKSPACE: box.dir } });
    expect(lenient.exitCode).toBe(0);
    expect(lenient.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toContain(
      'Could not deliver to webhook 999999999999999999: the webhook does not exist: it was deleted, or its id is wrong (Discord 404 code 10015). Create a new webhook and update the secret.',
    );
    expect(lenient.summary).toContain('### ⚠️ Undelivered Discord crash digest');
    const strict = await runAction('crash-digest', {
      inputs: { ...inputs, 'fail-on-error': 'true' },
      env: { GITHUB_WORKSPACE: box.dir },
    });
    expect(strict.exitCode).toBe(1);
    expect(strict.log).not.toContain('gone_TOKEN_1234');
  });

  it('fails with one error naming the inputs when neither source nor source-url is given', async () => {
    const run = await runAction('crash-digest', { inputs: { 'app-package': 'mara' } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'Input "source" or source-url is required: give crash export files (globs) or a URL',
      'One input is not valid (see above).',
    ]);
  });

  it('fails naming the status and the token when source-url answers 401', async () => {
    const server = http.createServer((_req, res) => res.writeHead(401).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const run = await runAction('crash-digest', {
        inputs: {
          'source-url': `http://127.0.0.1:${port}/export?sig=abcdefgh12345678`,
          'source-token': 'wrong-token-123',
        },
      });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.find((a) => a.level === 'error')?.message).toBe(
        `source-url answered HTTP 401 (check source-token) (http://127.0.0.1:${port}/export).`,
      );
      expect(run.log).not.toContain('abcdefgh12345678');
      expect(run.log).not.toContain('wrong-token-123');
    } finally {
      server.close();
    }
  });
});
