import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleCrashReport, startDiscordServer, type DiscordServer } from '@sre-toolkit/testkit';

/** The two webhooks the digest posts to: the digest's channel and #alerts. */
export const DIGEST_HOOK = { id: '223344556677889900', token: 'digest_TOKEN-abc_123' };
export const ALERT_HOOK = { id: '334455667788990011', token: 'alerts_TOKEN-def_456' };

/** An ISO time `ms` before now. */
export const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();

/** A valid report an hour old (one frame of the app's own code), with `extra` laid over it. */
export const crashReport = (extra: Record<string, unknown> = {}): Record<string, unknown> =>
  sampleCrashReport(extra);

export interface DigestSandbox {
  /** The Discord stand-in, reset before each test with both webhooks added. */
  readonly discord: DiscordServer;
  /** A scratch folder for the file's tests (the bundle's workspace), removed after them. */
  readonly dir: string;
}

/**
 * Registers the hooks most crash-digest integration files repeat: a scratch folder named after
 * `prefix` and, unless `discord` is false, a Discord stand-in with DIGEST_HOOK and ALERT_HOOK.
 */
export function digestSandbox(prefix: string, { discord: withDiscord = true } = {}): DigestSandbox {
  let discord: DiscordServer | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    if (withDiscord) discord = await startDiscordServer();
  });
  afterAll(async () => {
    await discord?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    if (!discord) return;
    discord.reset();
    discord.addWebhook(DIGEST_HOOK.id, DIGEST_HOOK.token);
    discord.addWebhook(ALERT_HOOK.id, ALERT_HOOK.token);
  });
  return {
    get discord() {
      if (!discord) throw new Error('this sandbox has no Discord stand-in');
      return discord;
    },
    get dir() {
      if (!dir) throw new Error('the sandbox folder exists only while the tests run');
      return dir;
    },
  };
}
