import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction } from '@sre-toolkit/testkit';
import { ALERT_HOOK as ALERTS, crashReport, digestSandbox, DIGEST_HOOK as HOOK } from './fixtures';

const box = digestSandbox('crash-hostile');

const report = (extra: Record<string, unknown>) => JSON.stringify(crashReport(extra));

describe('crash-digest bundle on hostile reports', () => {
  it('digests and posts a 20 KB backtracking message and a 600 KB frame line in seconds', async () => {
    const lines = [
      // The key=value secret rule, the e-mail and host rules: long runs of what they look for.
      report({ message: 'a='.repeat(10_240) }),
      report({ message: `${'a.'.repeat(5_000)}${'@'.repeat(5_000)}${'a-'.repeat(2_500)}` }),
      // The `#N …(…)` frame rule: one line of 600 KB.
      report({ type: 'RangeError', stackTrace: `#0 ${' ('.repeat(300_000)}` }),
      report({ type: 'FormatException', stackTrace: `#0      a ${'(#0 '.repeat(150_000)})` }),
    ];
    writeFileSync(join(box.dir, 'hostile.ndjson'), lines.join('\n'));
    const run = await runAction('crash-digest', {
      inputs: {
        source: 'hostile.ndjson',
        'app-package': 'mara',
        'webhook-url': box.discord.webhookUrl(HOOK.id, HOOK.token),
      },
      env: { GITHUB_WORKSPACE: box.dir },
      timeoutMs: 20_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeLessThan(10_000);
    expect(run.outputs).toMatchObject({ total: '4', groups: '3' });
    expect(box.discord.received).toHaveLength(1);
    expect(box.discord.rejected).toEqual([]);
  });
});

describe('crash-digest bundle on hostile fields', () => {
  it('lets no masked link or personal data from appVersion, platform or type reach Discord, outputs or summary', async () => {
    const phishing = '99.[Urgent: re-login](https://evil.example/login)';
    const email = 'jane.doe@example.com';
    const phone = '+49 30 1234567';
    const lines = [
      report({ appVersion: phishing }),
      report({ platform: `android [Urgent](https://evil.example/p) ${email}` }),
      report({ buildNumber: `88 ${phone}` }),
      report({ type: `[Urgent: re-login](https://evil.example/t) ${email} ${phone}` }),
      report({
        type: 'ValidError',
        appVersion: '1.4.2+57',
        buildNumber: 57,
        message: `[re-login](https://evil.example/m) ${email} ${phone}`,
      }),
    ];
    writeFileSync(join(box.dir, 'phishing.ndjson'), lines.join('\n'));
    const run = await runAction('crash-digest', {
      inputs: {
        source: 'phishing.ndjson',
        'app-package': 'nothing_in_app',
        'webhook-url': box.discord.webhookUrl(HOOK.id, HOOK.token),
        'alerts-webhook-url': box.discord.webhookUrl(ALERTS.id, ALERTS.token),
        mention: 'role:123456789012345678',
      },
      env: { GITHUB_WORKSPACE: box.dir },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ total: '1', groups: '1', critical: '1' });
    const payloads = JSON.stringify(box.discord.received.map((m) => m.body));
    expect(box.discord.received.map((m) => m.webhookId)).toEqual([HOOK.id, ALERTS.id]);
    const everything = [payloads, run.summary, JSON.stringify(run.outputs), run.log].join('\n');
    expect(everything).not.toContain('](https://evil');
    expect(everything).not.toContain(email);
    expect(everything).not.toContain(phone);
    expect(run.summary).toContain(
      '| crash report: appVersion: must be a version like 1.4.2 or 1.4.2+57 | 1 |',
    );
    expect(run.summary).toContain(
      '| crash report: platform: must be one of android, ios, macos, windows, linux, fuchsia, web | 1 |',
    );
    expect(run.summary).toContain('| crash report: buildNumber: must be a build number like 88 | 1 |');
    expect(run.summary).toContain('| crash report: type: must be a Dart type name like StateError | 1 |');
  });
});
