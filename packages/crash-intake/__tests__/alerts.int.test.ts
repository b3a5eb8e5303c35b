import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type DiscordServer, startDiscordServer } from '@sre-toolkit/testkit';
import {
  appReport,
  type IntakeProcess,
  postReports,
  request,
  startIntake,
  tempDataDir,
} from './server-process';

/** A fatal report of bug `n`: its own in-app frames and message, so its own fp:v2 group. */
const bug = (n: number, overrides: Record<string, unknown> = {}) =>
  appReport({
    type: 'StateError',
    message: `Bad state: checkout step ${'abcdefghijklmnopqrstuvwxyz'[n % 26]} failed`,
    stackTrace: [
      `#0      CheckoutStep${n}.run (package:my_app/checkout/step_${n}.dart:12:5)`,
      '#1      CheckoutFlow.next (package:my_app/checkout/flow.dart:40:9)',
      '<asynchronous suspension>',
      '',
    ].join('\n'),
    ...overrides,
  });

const until = async (what: string, ok: () => boolean) => {
  while (!ok()) {
    if (process.env.DEBUG_ALERTS) console.log(`waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const titles = (discord: DiscordServer) =>
  discord.received.map(
    (m) => ((m.body.embeds as { title: string }[] | undefined)?.[0]?.title ?? '') as string,
  );

describe('crash-intake bundle: real-time alerts', () => {
  const data = tempDataDir();
  let discord: DiscordServer;
  let intake: IntakeProcess;
  const env = () => ({
    CRASH_APP_PACKAGE: 'my_app',
    CRASH_RATE_LIMIT: '100000',
    DISCORD_WEBHOOK_ALERTS: discord.webhookUrl(),
    CRASH_ALERT_MENTION: '<@&123456789012345678>',
  });
  beforeAll(async () => {
    discord = await startDiscordServer();
    intake = await startIntake(data.dir, env());
  });
  afterAll(async () => {
    expect(await intake.stop()).toBe(0);
    await discord.close();
    data.remove();
  });

  it('alerts a new fatal group once, with its culprit, version, platform, count and the mention', async () => {
    const res = await postReports(
      intake.port,
      bug(1, { appVersion: '3.1.0', buildNumber: '120', platform: 'iOS' }),
    );
    expect(res.status).toBe(202);
    await until('the first alert', () => discord.received.length === 1);
    const body = discord.received[0]?.body as {
      content: string;
      allowed_mentions: unknown;
      embeds: { title: string; fields: { name: string; value: string }[] }[];
    };
    expect(body.content).toBe('<@&123456789012345678>');
    expect(body.allowed_mentions).toEqual({ parse: [], users: [], roles: ['123456789012345678'] });
    expect(body.embeds[0]?.title).toBe('New fatal crash: StateError: Bad state: checkout step b failed');
    const fields = Object.fromEntries((body.embeds[0]?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({
      Culprit: '`step_1.dart in CheckoutStep1.run`',
      'App version': '`3.1.0+120`',
      Platform: '`ios`',
      'Count so far': '1',
    });
    expect(fields.Fingerprint).toMatch(/^`fp:v2:[0-9a-f]{16}`$/);
  });

  it('keeps a storm of one crash to that one alert', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await postReports(
        intake.port,
        Array.from({ length: 100 }, () => bug(1)),
      );
      expect(res.status).toBe(202);
    }
    // Alerts go out in order: once the next group's alert is in, any second alert of the storm would be too.
    await postReports(intake.port, bug(2));
    await until('the second group', () => discord.received.length >= 2);
    expect(titles(discord)).toEqual([
      'New fatal crash: StateError: Bad state: checkout step b failed',
      'New fatal crash: StateError: Bad state: checkout step c failed',
    ]);
  });

  it('does not alert a non-fatal crash, nor again after a restart', async () => {
    await postReports(intake.port, bug(3, { fatal: false }));
    expect(await intake.stop()).toBe(0);
    intake = await startIntake(data.dir, env());
    await postReports(intake.port, [bug(1), bug(2), bug(4)]);
    await until('the group after the restart', () => discord.received.length >= 3);
    expect(titles(discord).slice(2)).toEqual([
      'New fatal crash: StateError: Bad state: checkout step e failed',
    ]);
  });

  it('delays an alert through a Discord outage but delivers it, and /health says why meanwhile', async () => {
    // The connection drops twice, then Discord answers 503 once: three failed tries, then through.
    discord.fail([{ kind: 'reset' }, { kind: 'reset' }, { kind: 'status', status: 503 }]);
    await postReports(intake.port, bug(5));
    await until('a failed delivery', () => discord.requests >= 5);
    const health = await request(intake.port, 'GET', '/health');
    const checks = (
      JSON.parse(health.body) as { checks: Record<string, { status: string; output?: string }[]> }
    ).checks;
    expect(checks['discord:delivery']?.[0]?.status).toBe('warn');
    expect(checks['discord:delivery']?.[0]?.output).toMatch(/.+/);
    await until('the delayed alert', () => discord.received.length >= 4);
    expect(titles(discord)[3]).toBe('New fatal crash: StateError: Bad state: checkout step f failed');
    const metrics = await request(intake.port, 'GET', '/metrics');
    // Since the restart: the group after it, and this one.
    expect(metrics.body).toContain('crash_intake_alerts_sent_total 2');
    expect(metrics.body).toMatch(/crash_intake_alerts_failed_total [1-9]/);
  });

  it('turns more than 10 new groups at once into one summary alert', async () => {
    const before = discord.received.length;
    const res = await postReports(
      intake.port,
      Array.from({ length: 14 }, (_, i) => bug(100 + i)),
    );
    expect(res.status).toBe(202);
    await until('the summary', () => discord.received.length > before);
    const summary = discord.received[before]?.body as { embeds: { title: string; description: string }[] };
    expect(summary.embeds[0]?.title).toBe('14 new crash groups in the last minute');
    expect(summary.embeds[0]?.description.split('\n')).toHaveLength(14);
    expect(discord.received.length).toBe(before + 1);
  });
});
