import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { type DiscordServer, startDiscordServer } from '@sre-toolkit/testkit';
import {
  appReport,
  type IntakeProcess,
  postReports,
  runToExit,
  startIntake,
  tempDataDir,
} from './server-process';

/**
 * Issue #14 on crash-intake, through the bundled server: every real-time alert leads with its
 * severity (CRASH_SEVERITY; auto is the runbook's SEV2 for a new fatal crash) and links to the
 * runbook's crash section (CRASH_RUNBOOK_URL, else the runbook of GITHUB_REPOSITORY, else none).
 */

const fatal = (n: number) =>
  appReport({
    type: 'StateError',
    message: `Bad state: payment step ${'abcdefghij'[n]} failed`,
    stackTrace: `#0      PayStep${n}.run (package:my_app/pay/step_${n}.dart:12:5)\n`,
  });

type Field = { name: string; value: string; inline?: boolean };
const firstFields = (d: DiscordServer) =>
  ((d.received[0]?.body.embeds as { fields?: Field[] }[] | undefined)?.[0]?.fields ?? []).slice(0, 2);

/** Polls the stand-in; bounded, so a missing alert fails the test instead of hanging it. */
async function firstAlert(d: DiscordServer): Promise<void> {
  for (let i = 0; i < 500 && !d.received.length; i++) await new Promise((r) => setTimeout(r, 20));
  expect(d.received.length).toBeGreaterThan(0);
}

describe('crash-intake bundle: severity and runbook on alerts', () => {
  let discord: DiscordServer;
  let intake: IntakeProcess | undefined;
  let data: ReturnType<typeof tempDataDir> | undefined;
  beforeAll(async () => {
    discord = await startDiscordServer();
  });
  afterEach(async () => {
    if (intake) expect(await intake.stop()).toBe(0);
    data?.remove();
    intake = undefined;
    discord.reset();
  });
  afterAll(async () => {
    await discord.close();
  });
  const start = async (env: Record<string, string>) => {
    data = tempDataDir();
    intake = await startIntake(data.dir, {
      CRASH_APP_PACKAGE: 'my_app',
      DISCORD_WEBHOOK_ALERTS: discord.webhookUrl(),
      ...env,
    });
    return intake;
  };

  it('defaults to SEV2 and the repository runbook crash section', async () => {
    const s = await start({ GITHUB_REPOSITORY: 'acme/mara' });
    expect((await postReports(s.port, fatal(1))).status).toBe(202);
    await firstAlert(discord);
    expect(firstFields(discord)).toEqual([
      { name: 'Severity', value: 'SEV2', inline: true },
      {
        name: 'Runbook',
        value:
          '[Runbook: Crash spike or new fatal crash](https://github.com/acme/mara/blob/HEAD/docs/INCIDENT_RESPONSE.md#crash-spike-or-new-fatal-crash)',
        inline: true,
      },
    ]);
  });

  it('takes CRASH_SEVERITY and CRASH_RUNBOOK_URL; without a repository or URL, severity only', async () => {
    const s = await start({ CRASH_SEVERITY: 'sev1', CRASH_RUNBOOK_URL: 'https://wiki.example/oncall' });
    await postReports(s.port, fatal(2));
    await firstAlert(discord);
    expect(firstFields(discord)).toEqual([
      { name: 'Severity', value: 'SEV1', inline: true },
      {
        name: 'Runbook',
        value:
          '[Runbook: Crash spike or new fatal crash](https://wiki.example/oncall#crash-spike-or-new-fatal-crash)',
        inline: true,
      },
    ]);
    expect(await s.stop()).toBe(0);
    intake = undefined;
    discord.reset();

    const bare = await start({});
    await postReports(bare.port, fatal(3));
    await firstAlert(discord);
    const fields = firstFields(discord);
    expect(fields[0]).toEqual({ name: 'Severity', value: 'SEV2', inline: true });
    expect(fields[1]?.name).toBe('Culprit');
  });

  it('refuses a bad CRASH_SEVERITY or CRASH_RUNBOOK_URL at start, naming the variable and the rule', async () => {
    data = tempDataDir();
    const run = await runToExit(
      {
        CRASH_DATA_DIR: data.dir,
        CRASH_EXPORT_TOKEN: 'export-token-0123456789abcdef',
        CRASH_SEVERITY: 'P1',
        CRASH_RUNBOOK_URL: 'ftp://x/runbook',
      },
      data.dir,
    );
    expect(run.code).toBe(1);
    expect(run.output).toContain('CRASH_SEVERITY must be auto, SEV1, SEV2 or SEV3, not "P1"');
    expect(run.output).toContain('CRASH_RUNBOOK_URL must be an http:// or https:// URL');
  });
});
