import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrashGroup } from '@sre-toolkit/crashes';
import {
  GITHUB_DEFAULTS,
  runAction,
  startDiscordServer,
  startGitHubServer,
  type ActionRun,
  type DiscordServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';

let dir: string;
let discord: DiscordServer;
let github: GitHubServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crash-issues-'));
  discord = await startDiscordServer();
  github = await startGitHubServer();
});
afterAll(async () => {
  await Promise.all([discord.close(), github.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const TRACE = `#0      _FeedPageState._load (package:mara/src/feed/feed_page.dart:88:7)
<asynchronous suspension>
#1      FeedRepository.fetch (package:mara/src/feed/feed_repository.dart:41:5)`;

/** `count` fatal reports of one crash site in `version`, all inside the last day. */
function reports(count: number, version: string): string {
  const lines: string[] = [];
  for (let k = 0; k < count; k++) {
    lines.push(
      JSON.stringify({
        type: '_TypeError',
        message: 'Null check operator used on a null value',
        stackTrace: TRACE,
        fatal: true,
        source: 'zone',
        platform: 'android',
        appVersion: version,
        buildNumber: '90',
        osVersion: 'Android 14',
        device: 'Pixel 8',
        timestamp: new Date(Date.now() - (k + 1) * 60_000).toISOString(),
        userId: `u-${k}`,
      }),
    );
  }
  return lines.join('\n') + '\n';
}

async function digest(count: number, version: string): Promise<{ run: ActionRun; group: CrashGroup }> {
  writeFileSync(join(dir, 'export.ndjson'), reports(count, version));
  const file = join(dir, 'digest.json');
  const run = await runAction('crash-digest', {
    inputs: {
      source: 'export.ndjson',
      'app-package': 'mara',
      issues: 'true',
      'alerts-webhook-url': discord.webhookUrl(),
      'digest-file': file,
    },
    env: { GITHUB_WORKSPACE: dir, GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: github.url },
  });
  expect(run.exitCode).toBe(0);
  const groups = (JSON.parse(readFileSync(file, 'utf8')) as { groups: CrashGroup[] }).groups;
  expect(groups).toHaveLength(1);
  return { run, group: groups[0] as CrashGroup };
}

/** What a person does on github.com, through the same REST API. */
async function asPerson(method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${github.url}/repos/acme/mara${path}`, {
    method,
    headers: { authorization: `token ${GITHUB_DEFAULTS.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
}

type Embed = { title?: string; fields?: { name: string; value: string }[] };
const alerts = () => discord.received.map((r) => (r.body.embeds as Embed[] | undefined)?.[0]);

describe('crash groups as GitHub issues against the stand-ins', () => {
  it('opens one issue with label crash when a group becomes critical, and alerts once', async () => {
    const { group } = await digest(3, '2.4.0');
    const issues = github.issues();
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue).toMatchObject({
      title: '💥 _TypeError: Null check operator used on a null value',
      state: 'open',
      labels: ['crash'],
    });
    expect(issue?.body).toContain('| events (last 24h) | 3 |');
    expect(issue?.body).toContain('| culprit | feed_page.dart in _FeedPageState._load |');
    expect(issue?.body).toMatch(
      new RegExp(
        `<!-- sre-toolkit:crash-digest:${group.fingerprint} \\{"fingerprint":"${group.fingerprint}","newest":"2.4.0",.*\\} -->\\n$`,
      ),
    );
    expect(group.issue).toEqual({
      number: 1,
      url: 'https://github.com/acme/mara/issues/1',
      status: 'opened',
    });
    expect(alerts().map((e) => e?.title)).toEqual(['❌ 1 critical crash group in mara: 1 new fatal']);
    // After the severity and runbook fields (issue #14), the group's field links its issue.
    const fields = alerts()[0]?.fields ?? [];
    expect(fields[0]).toMatchObject({ name: 'Severity', value: expect.stringContaining('SEV2') });
    expect(fields.map((f) => f.value).join('\n')).toContain(
      '[#1](https://github.com/acme/mara/issues/1) opened',
    );
  });

  it('updates the counts of the open issue silently on the next digest', async () => {
    const { run, group } = await digest(5, '2.4.0');
    expect(github.issues()).toHaveLength(1);
    expect(github.issues()[0]?.body).toContain('| events (last 24h) | 5 |');
    expect(github.issues()[0]?.comments).toHaveLength(0);
    expect(group.issue?.status).toBe('open');
    expect(group.critical).toEqual([]);
    expect(discord.received).toHaveLength(1);
    expect(run.summary).toContain('[#1](https://github.com/acme/mara/issues/1) open');
  });

  it('leaves a group resolved while it only comes from releases before the fix', async () => {
    await asPerson('PATCH', '/issues/1', { state: 'closed', labels: ['crash', 'fixed-in:2.4.1'] });
    const { group } = await digest(4, '2.4.0');
    expect(github.issues()[0]?.state).toBe('closed');
    expect(group.issue?.status).toBe('resolved');
    expect(group.critical).toEqual([]);
    expect(discord.received).toHaveLength(1);
  });

  it('reopens the issue and sends one regression alert when the group is back in the fixed release', async () => {
    const { group } = await digest(2, '2.4.1');
    const [issue] = github.issues();
    expect(issue?.state).toBe('open');
    expect(issue?.comments.map((c) => c.body)).toEqual([
      '🔁 This crash is back in **2.4.1** (fixed in 2.4.1): 2 events from 2 users in the last 24h. Reopened by the crash digest.',
    ]);
    expect(group).toMatchObject({ regressed: true, critical: ['regressed', 'new fatal'] });
    expect(group.issue?.status).toBe('reopened');
    expect(alerts().map((e) => e?.title)).toEqual([
      '❌ 1 critical crash group in mara: 1 new fatal',
      '❌ 1 critical crash group in mara: 1 new fatal, 1 regression',
    ]);
    // The next digest finds it open again: counts updated, no second alert.
    await digest(2, '2.4.1');
    expect(discord.received).toHaveLength(2);
  });

  it('reads the fixed-in release from the closing comment, and stays silent for crash-ignored', async () => {
    await asPerson('POST', '/issues/1/comments', { body: 'Fixed in 2.5.0, the null check is gone.' });
    await asPerson('PATCH', '/issues/1', { state: 'closed', labels: ['crash'] });
    expect((await digest(2, '2.4.1')).group.issue?.status).toBe('resolved');
    expect(discord.received).toHaveLength(2);

    await asPerson('PATCH', '/issues/1', { labels: ['crash', 'crash-ignored'] });
    const before = github.issues()[0]?.body;
    const { group } = await digest(9, '2.6.0');
    expect(group.issue?.status).toBe('ignored');
    expect(group.critical).toEqual([]);
    expect(github.issues()[0]).toMatchObject({ state: 'closed', body: before });
    expect(github.issues()).toHaveLength(1);
    expect(discord.received).toHaveLength(2);
  });
});
