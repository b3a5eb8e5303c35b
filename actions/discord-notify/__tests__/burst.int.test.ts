import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAction, startDiscordServer, type DiscordServer } from '@sre-toolkit/testkit';

// Thirty matrix jobs fail at once and notify one webhook: Discord lets about 5 requests through
// every 2 s. Each job must keep waiting out 429s (jittered, so they spread) until its budget ends,
// and every message must arrive exactly once, even with the machine's cores kept busy.
let discord: DiscordServer;
const hogs: ChildProcess[] = [];
beforeAll(async () => {
  discord = await startDiscordServer();
  for (let i = 0; i < 2; i++) {
    hogs.push(
      spawn(process.execPath, ['-e', 'const end = Date.now() + 120000; while (Date.now() < end);'], {
        stdio: 'ignore',
      }),
    );
  }
});
afterAll(async () => {
  for (const hog of hogs) hog.kill('SIGKILL');
  await discord.close();
});

describe('a burst of 30 jobs on one rate-limited webhook', () => {
  it('delivers all 30 messages, each exactly once, within the default budget', async () => {
    discord.rateLimit(5, 2000);
    const runs = await Promise.all(
      Array.from({ length: 30 }, (_, job) =>
        runAction('discord-notify', {
          inputs: { 'webhook-url': discord.webhookUrl(), status: 'failure', title: `job ${job} failed` },
          timeoutMs: 90_000,
        }),
      ),
    );
    expect(runs.map((r) => r.exitCode)).toEqual(Array(30).fill(0));
    expect(runs.filter((r) => r.outputs.sent !== 'true')).toEqual([]);
    const titles = discord.received.map((m) => (m.body.embeds as { title: string }[])[0]?.title).sort();
    expect(titles).toEqual(Array.from({ length: 30 }, (_, job) => `job ${job} failed`).sort());
    expect(discord.rejected.every((r) => r.status === 429)).toBe(true);
  }, 120_000);
});
