import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrashGroup } from '@sre-toolkit/crashes';
import {
  GITHUB_DEFAULTS,
  crashCorpusLines,
  recordDeployment,
  runAction,
  startDiscordServer,
  startGitHubServer,
  type DiscordServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';

/**
 * Issue #14 on crash-digest, through the bundle and the known-bugs corpus: the #alerts message
 * leads with its severity and the runbook's crash section; the new fatal group names the
 * production deploy that succeeded 12 minutes before its first event, and that the group crashes
 * in the version it shipped; nothing is named for a deploy outside the window or with `none`.
 */

const ALERT_HOOK = { id: '334455667788990011', token: 'alerts_TOKEN-def_456' };
const MINUTE = 60_000;
const RUNBOOK =
  'https://github.com/acme/mara/blob/HEAD/docs/INCIDENT_RESPONSE.md#crash-spike-or-new-fatal-crash';

let discord: DiscordServer;
let gh: GitHubServer;
let dir: string;
beforeAll(async () => {
  discord = await startDiscordServer();
  dir = mkdtempSync(join(tmpdir(), 'crash-context-'));
  writeFileSync(join(dir, 'reports.ndjson'), [...crashCorpusLines({ now: Date.now() })].join('\n') + '\n');
});
afterAll(async () => {
  await Promise.all([discord.close(), gh.close()]);
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await gh?.close();
  gh = await startGitHubServer();
  discord.reset();
  discord.addWebhook(ALERT_HOOK.id, ALERT_HOOK.token);
});

/** A deployment of `version` to `environment` that succeeded at `at`. */
const deploy = (at: number, version: string, environment = 'production') =>
  recordDeployment(gh, { at, version, environment });

const digest = (inputs: Record<string, string> = {}) =>
  runAction('crash-digest', {
    inputs: {
      source: 'reports.ndjson',
      'app-package': 'mara',
      'alerts-webhook-url': discord.webhookUrl(ALERT_HOOK.id, ALERT_HOOK.token),
      'digest-file': join(dir, 'digest.json'),
      ...inputs,
    },
    env: { GITHUB_WORKSPACE: dir, GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: gh.url },
  });

type Field = { name: string; value: string; inline?: boolean };
const alertFields = () =>
  discord.received.flatMap((m) => (m.body.embeds as { fields?: Field[] }[]).flatMap((e) => e.fields ?? []));
const newFatal = () => JSON.parse(readFileSync(join(dir, 'digest.json'), 'utf8')) as { groups: CrashGroup[] };
const deployReads = () => gh.requests.filter((r) => r.method === 'GET' && r.path.includes('/deployments'));

describe('crash-digest severity, runbook and deploy context', () => {
  it('leads with SEV2 and the crash runbook section, and names the deploy 12 min before the new fatal group', async () => {
    // A first run (no deploys) tells when the new fatal group began and in which version.
    await digest({ 'deploy-environment': 'none' });
    const group = newFatal().groups.find((g) => g.critical.includes('new fatal'));
    expect(group).toBeDefined();
    const version = group!.versions[0]!;
    const d = await deploy(Date.parse(group!.first_seen) - 12 * MINUTE, version);
    discord.reset();
    gh.requests.length = 0;

    const run = await digest();
    expect(run.exitCode).toBe(0);
    const fields = alertFields();
    expect(fields.slice(0, 2)).toEqual([
      { name: 'Severity', value: 'SEV2', inline: true },
      { name: 'Runbook', value: `[Runbook: Crash spike or new fatal crash](${RUNBOOK})`, inline: true },
    ]);
    const line = fields.find((f) => f.name.startsWith('🆕 new fatal'))?.value ?? '';
    expect(line).toContain(
      `🚀 Began 12 min after **mara ${version}** reached production (deploy #${d.id} by @octocat, commit ${d.sha.slice(0, 7)}); crashing in that version`,
    );
    // Only the new fatal group has a deploy: the spike began at the window's start, a day earlier.
    expect(fields.filter((f) => f.value.includes('🚀'))).toHaveLength(1);
    const lists = deployReads().filter((r) => /\/deployments$/.test(r.path));
    expect(lists).toHaveLength(1);
    expect(lists[0]?.query).toMatchObject({ environment: 'production' });
    expect(deployReads().length).toBeLessThanOrEqual(4);
  });

  it('names no deploy outside the window, to another environment, or with deploy-environment none', async () => {
    await digest({ 'deploy-environment': 'none' });
    const group = newFatal().groups.find((g) => g.critical.includes('new fatal'))!;
    const first = Date.parse(group.first_seen);
    await deploy(first - 121 * MINUTE, group.versions[0]!);
    await deploy(first - 5 * MINUTE, group.versions[0]!, 'staging');
    discord.reset();
    const run = await digest();
    expect(run.exitCode).toBe(0);
    expect(alertFields().filter((f) => f.value.includes('🚀'))).toEqual([]);
    expect(deployReads().length).toBeGreaterThan(0);

    gh.requests.length = 0;
    await deploy(first - 10 * MINUTE, group.versions[0]!);
    discord.reset();
    await digest({ 'deploy-environment': 'none', severity: 'SEV1' });
    expect(deployReads()).toEqual([]);
    expect(alertFields().filter((f) => f.value.includes('🚀'))).toEqual([]);
    expect(alertFields()[0]).toEqual({ name: 'Severity', value: 'SEV1', inline: true });
  });
});
