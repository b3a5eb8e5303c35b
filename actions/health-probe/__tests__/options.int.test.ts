import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runAction,
  startDiscordServer,
  startHealthTargets,
  startProxy,
  type DiscordServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

let targets: HealthTargets;
let discord: DiscordServer;
let workspace: string;
beforeAll(async () => {
  targets = await startHealthTargets();
  discord = await startDiscordServer();
  targets.route('/ok', { body: { status: 'UP' } });
  targets.route('/down', { status: 503, body: { status: 'DOWN' } });
  workspace = mkdtempSync(join(tmpdir(), 'ws-'));
});
afterAll(async () => {
  await Promise.all([targets.close(), discord.close()]);
  rmSync(workspace, { recursive: true, force: true });
});

describe('health-probe inputs and environment', () => {
  it('reads targets from the config file, relative to the workspace', async () => {
    writeFileSync(
      join(workspace, 'probes.yml'),
      `targets:\n  - name: from-file\n    url: ${targets.url('/ok')}\n    expect-json: { status: UP }\n`,
    );
    const run = await runAction('health-probe', {
      inputs: { config: 'probes.yml', issue: 'false' },
      env: { GITHUB_WORKSPACE: workspace },
    });
    expect(run.exitCode).toBe(0);
    const results = JSON.parse(run.outputs.results ?? '[]') as { name: string; status: string }[];
    expect(results.map((r) => [r.name, r.status])).toEqual([['from-file', 'up']]);
    expect(run.outputs.down).toBe('0');
  });

  it('masks URL credentials and query tokens in results, log, summary and Discord', async () => {
    const url =
      targets.url('/down').replace('http://', 'http://probe-user:pa55w0rd-xyz@') +
      '?access_token=tok-98765-zyx';
    const run = await runAction('health-probe', {
      inputs: { targets: url, issue: 'false', retries: '0', 'webhook-url': discord.webhookUrl() },
    });
    expect(run.exitCode).toBe(1);
    const [result] = JSON.parse(run.outputs.results ?? '[]') as { url: string; error: string }[];
    expect(result?.url).toBe(`http://***:***@127.0.0.1:${targets.port}/down?access_token=***`);
    expect(result?.error).toBe('expected status 200-399, got 503');
    expect(targets.hits('/down')[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('probe-user:pa55w0rd-xyz').toString('base64')}`,
    );
    const everything = [
      run.log,
      run.summary,
      JSON.stringify(run.outputs),
      JSON.stringify(discord.received),
    ].join('\n');
    expect(everything).not.toContain('pa55w0rd-xyz');
    expect(everything).not.toContain('tok-98765-zyx');
    expect(everything).not.toContain('probe-user');
    expect(run.masked).toEqual(expect.arrayContaining(['probe-user', 'pa55w0rd-xyz', 'tok-98765-zyx']));
  });

  it('reports every bad input with one ::error each, and probes nothing', async () => {
    const hitsBefore = targets.hits('/ok').length;
    const run = await runAction('health-probe', {
      inputs: { targets: `- name: a\n  url: ${targets.url('/ok')}\n  expect-status: okay`, concurrency: '0' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'Input "concurrency" must be a whole number from 1 to 100, got "0"',
      'One input is not valid (see above).',
    ]);
    const second = await runAction('health-probe', {
      inputs: { targets: `- name: a\n  url: ${targets.url('/ok')}\n  expect-status: okay` },
    });
    expect(second.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'Input "targets" item 1: ("a") expect-status has "okay", which is not a status: use codes (200), ranges (200-399) or classes (2xx), separated by commas',
      'One input is not valid (see above).',
    ]);
    expect(second.exitCode).toBe(1);
    expect(targets.hits('/ok').length).toBe(hitsBefore);
  });

  it('in a dry run, probes and reports but sends nothing', async () => {
    const before = discord.received.length;
    const run = await runAction('health-probe', {
      inputs: {
        targets: targets.url('/down'),
        retries: '0',
        issue: 'false',
        'dry-run': 'true',
        'fail-on-down': 'false',
        'webhook-url': discord.webhookUrl(),
      },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received.length).toBe(before);
    expect(run.summary).toContain('### Discord alert (not sent: dry run)');
    expect(run.outputs.down).toBe('1');
  });

  it('goes through HTTPS_PROXY / HTTP_PROXY when set, and around it for NO_PROXY hosts', async () => {
    const proxy = await startProxy();
    try {
      const run = await runAction('health-probe', {
        inputs: {
          targets: `- name: behind-proxy\n  url: http://status.internal.example/health\n  expect-json: { via: proxy }\n- name: direct\n  url: ${targets.url('/ok')}\n- name: tunnel\n  url: https://secure.internal.example/health`,
          issue: 'false',
          retries: '0',
        },
        env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
      });
      const results = JSON.parse(run.outputs.results ?? '[]') as {
        name: string;
        status: string;
        error: string;
      }[];
      expect(results.map((r) => [r.name, r.status, r.error])).toEqual([
        ['behind-proxy', 'up', null],
        ['direct', 'up', null],
        ['tunnel', 'down', 'the proxy refused the tunnel (HTTP 403)'],
      ]);
      expect(proxy.requests.sort()).toEqual([
        'CONNECT secure.internal.example:443',
        'GET http://status.internal.example/health',
      ]);
    } finally {
      await proxy.close();
    }
  });
});
