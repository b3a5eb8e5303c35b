// One URL rule for all four actions: the same hostile URL, given to each bundle where it takes a
// URL (and to all four as the runner's proxy), is masked the same way, before anything is printed.
import { describe, expect, it } from '@jest/globals';
import { urlSecrets } from '../../action/src/secrets';
import { runAction, type ActionRun } from '../src/runner';

const HOSTILE =
  'https://deploy:hunter2-pass@files.example.com/export?token=tok-abc123&sig=sig-xyz789&X-Amz-Signature=amz-0a1b2c3d&page=2';
const WEBHOOK = 'https://discord.com/api/webhooks/123456789012345678/hook-Token_42.secret';
const SECRETS = ['hunter2-pass', 'tok-abc123', 'sig-xyz789', 'amz-0a1b2c3d', 'hook-Token_42.secret'];
// The run stops at an invalid input, right after the masks are registered: nothing reaches the
// network, and what was masked is all the runner was told before the first error.
const PROXY_URL = 'http://proxy-user:proxy-pass-9@127.0.0.1:9';
const PROXY = { HTTPS_PROXY: PROXY_URL, NO_PROXY: '127.0.0.1,localhost' };

function expectMasked(run: ActionRun, url: string | undefined): void {
  expect(run.exitCode).toBe(1);
  if (url) expect(run.masked).toEqual(expect.arrayContaining(urlSecrets(url)));
  expect(run.masked).toEqual(expect.arrayContaining(urlSecrets(WEBHOOK)));
  expect(run.masked).toEqual(expect.arrayContaining(urlSecrets(PROXY_URL)));
  for (const secret of [...SECRETS, 'proxy-pass-9']) {
    expect(run.log).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
    expect(JSON.stringify(run.outputs)).not.toContain(secret);
  }
}

describe('the one URL rule, through every bundle', () => {
  it('discord-notify masks the proxy URL and the webhook token', async () => {
    expectMasked(
      await runAction('discord-notify', {
        inputs: { 'webhook-url': WEBHOOK, status: 'sideways' },
        env: PROXY,
      }),
      undefined,
    );
  });

  it('repeated-failure-detector masks them the same way', async () => {
    expectMasked(
      await runAction('repeated-failure-detector', {
        inputs: { 'webhook-url': WEBHOOK, 'github-token': 'ghs_standin', threshold: 'many' },
        env: PROXY,
      }),
      undefined,
    );
  });

  it('health-probe masks the same URL as a target, and as its proxy', async () => {
    const run = await runAction('health-probe', {
      inputs: { targets: HOSTILE, 'webhook-url': WEBHOOK, retries: 'lots' },
      env: PROXY,
    });
    expectMasked(run, HOSTILE);
  });

  it('crash-digest masks the same URL as its source, and as its proxy', async () => {
    const run = await runAction('crash-digest', {
      inputs: { 'source-url': HOSTILE, 'webhook-url': WEBHOOK, window: 'soon' },
      env: PROXY,
    });
    expectMasked(run, HOSTILE);
  });

  it('registers each secret part the same way in all four (same rule, same forms)', async () => {
    const [a, b] = await Promise.all([
      runAction('health-probe', { inputs: { targets: HOSTILE, retries: 'x' } }),
      runAction('crash-digest', { inputs: { 'source-url': HOSTILE, window: 'x' } }),
    ]);
    const parts = (run: ActionRun) => run.masked.filter((m) => urlSecrets(HOSTILE).includes(m)).sort();
    expect(parts(a)).toEqual([...new Set(urlSecrets(HOSTILE))].sort());
    expect(parts(b)).toEqual(parts(a));
  });
});
