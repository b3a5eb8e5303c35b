import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runAction,
  startDiscordServer,
  startHealthTargets,
  type ActionRun,
  type DiscordServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

// Query keys the old name heuristic let through.
const QUERY = {
  jwt: 'eyJhbGciOi.jwt-value-4711',
  pass: 'pass-value-4712',
  hmac: 'hmac-value-4713',
  sas: 'sas-value-4714',
};

let targets: HealthTargets;
let discord: DiscordServer;
let workspace: string;
beforeAll(async () => {
  targets = await startHealthTargets();
  discord = await startDiscordServer();
  targets.route('/down', { status: 503, body: { status: 'DOWN' } });
  // A server that echoes what it was sent: its body quotes a query value.
  targets.route('/echo', { body: { status: `DOWN, you sent sas=${QUERY.sas}` } });
  workspace = mkdtempSync(join(tmpdir(), 'ws-'));
});
afterAll(async () => {
  await Promise.all([targets.close(), discord.close()]);
  rmSync(workspace, { recursive: true, force: true });
});

/** Everything a run shows: the log without its mask commands, the summary, outputs and Discord. */
const shown = (run: ActionRun) =>
  [run.log, run.summary, JSON.stringify(run.outputs), JSON.stringify(discord.received)].join('\n');

describe('health-probe secrets', () => {
  it('masks every query value (jwt, pass, hmac, sas) in log, summary, outputs, Discord, even echoed back', async () => {
    const query = new URLSearchParams(QUERY).toString();
    const run = await runAction('health-probe', {
      inputs: {
        targets: `- name: down\n  url: ${targets.url('/down')}?${query}\n- name: echo\n  url: ${targets.url('/echo')}?${query}\n  expect-json: { status: UP }`,
        issue: 'false',
        retries: '0',
        'webhook-url': discord.webhookUrl(),
      },
    });
    expect(run.exitCode).toBe(1);
    const results = JSON.parse(run.outputs.results ?? '[]') as { url: string; error: string }[];
    expect(results.map((r) => r.url)).toEqual([
      `http://127.0.0.1:${targets.port}/down?jwt=***&pass=***&hmac=***&sas=***`,
      `http://127.0.0.1:${targets.port}/echo?jwt=***&pass=***&hmac=***&sas=***`,
    ]);
    expect(results[1]?.error).toBe('expected status UP, got DOWN, you sent sas=***');
    expect(discord.received.length).toBeGreaterThan(0);
    for (const value of Object.values(QUERY)) expect(shown(run)).not.toContain(value);
    expect(run.masked).toEqual(expect.arrayContaining(Object.values(QUERY)));
  });

  it('names a target whose url does not parse by its position, and never prints the url or its token', async () => {
    const run = await runAction('health-probe', {
      inputs: {
        targets: `- name: ok\n  url: ${targets.url('/down')}\n- url: "http://[::1/health?token=bad-url-token-4715"`,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([
      'Input "targets" item 2: has a url that is not a valid URL (it is not repeated here: it may hold a secret)',
      'One input is not valid (see above).',
    ]);
    expect(run.log).not.toContain('bad-url-token-4715');
    expect(run.masked).toContain('bad-url-token-4715');
  });

  it('reports a YAML error without quoting the line, and masks the header value next to it', async () => {
    const yaml = `- name: api\n  url: ${targets.url('/down')}\n  headers:\n    Authorization: Bearer yaml-header-secret-4716\n  expect-json: { status: UP\n`;
    const run = await runAction('health-probe', { inputs: { targets: yaml } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([
      'Input "targets" is not valid YAML (line 5, column 28: bad indent)',
      'One input is not valid (see above).',
    ]);
    expect(run.log).not.toContain('yaml-header-secret-4716');
    expect(run.masked).toEqual(
      expect.arrayContaining(['Bearer yaml-header-secret-4716', 'yaml-header-secret-4716']),
    );
  });

  it('registers the config file secrets as soon as it is read, before its YAML error is reported', async () => {
    writeFileSync(
      join(workspace, 'broken.yml'),
      `targets:\n  - name: api\n    url: ${targets.url('/down')}?sig=config-sig-4717\n    headers:\n      X-Api-Key: "config-header-4718\n    retries: [1\n`,
    );
    const run = await runAction('health-probe', {
      inputs: { config: 'broken.yml' },
      env: { GITHUB_WORKSPACE: workspace },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toMatch(
      /^Input "config" names a file that is not valid YAML \(line \d+, column \d+: [a-z ]+\)$/,
    );
    expect(run.log).not.toMatch(/config-sig-4717|config-header-4718/);
    expect(run.masked).toEqual(expect.arrayContaining(['config-sig-4717', 'config-header-4718']));
  });

  it('masks header values of a valid config file before probing', async () => {
    writeFileSync(
      join(workspace, 'probes.yml'),
      `targets:\n  - name: api\n    url: ${targets.url('/down')}\n    headers: { X-Api-Key: config-header-4719 }\n`,
    );
    const run = await runAction('health-probe', {
      inputs: { config: 'probes.yml', issue: 'false', retries: '0', 'fail-on-down': 'false' },
      env: { GITHUB_WORKSPACE: workspace },
    });
    expect(run.exitCode).toBe(0);
    expect(targets.hits('/down').at(-1)?.headers['x-api-key']).toBe('config-header-4719');
    expect(run.masked).toContain('config-header-4719');
    expect(run.stdout.indexOf('::add-mask::config-header-4719')).toBeLessThan(run.stdout.indexOf('Probing'));
  });
});
