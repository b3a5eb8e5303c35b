import { describe, expect, it } from '@jest/globals';
import { readConfig } from '../src/config';

const TOKEN = 'export-token-0123456789abcdef';

describe('readConfig', () => {
  it('fills every default the docs promise', () => {
    const read = readConfig({ CRASH_EXPORT_TOKEN: TOKEN }, '/srv/app');
    expect(read).toEqual({
      config: {
        port: 8080,
        host: '0.0.0.0',
        dataDir: '/srv/app/crash-data',
        exportToken: TOKEN,
        appPackages: [],
        retentionDays: 90,
        rateLimit: 60,
        cooldownMs: 6 * 3_600_000,
        requestTimeoutMs: 30_000,
        trustProxy: false,
        // Issue #14: the runbook's SEV2 for a new fatal crash; no repository known, so no runbook link.
        alertLabel: { severity: 'SEV2' },
      },
    });
  });

  it('reads every variable', () => {
    const read = readConfig(
      {
        CRASH_EXPORT_TOKEN: TOKEN,
        PORT: '9090',
        HOST: '127.0.0.1',
        CRASH_DATA_DIR: '/var/lib/crashes',
        CRASH_INGEST_KEY: 'key-1',
        CRASH_APP_PACKAGE: 'mara',
        DISCORD_WEBHOOK_ALERTS: 'https://discord.com/api/webhooks/123456789012345678/abcDEF_token',
        CRASH_ALERT_MENTION: 'role:445566778899001122',
        CRASH_RETENTION_DAYS: '30',
        CRASH_RATE_LIMIT: '120',
        CRASH_ALERT_COOLDOWN: '1h30m',
        CRASH_REQUEST_TIMEOUT: '10s',
        CRASH_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      },
      '/srv/app',
    );
    if (!('config' in read)) throw new Error(read.errors.join('\n'));
    expect(read.config).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
      dataDir: '/var/lib/crashes',
      ingestKey: 'key-1',
      appPackages: ['mara'],
      mentions: { users: [], roles: ['445566778899001122'], here: false, everyone: false },
      retentionDays: 30,
      rateLimit: 120,
      cooldownMs: 90 * 60_000,
      requestTimeoutMs: 10_000,
      trustProxy: '10.0.0.0/8, 127.0.0.1',
    });
    expect(read.config.webhook?.label).toBe('webhook 123456789012345678');
  });

  it('refuses to start without an export token, or with a short one, saying why', () => {
    expect(readConfig({})).toEqual({
      errors: [
        'CRASH_EXPORT_TOKEN is required: it guards GET /api/crashes/export, which holds every stored report. Set it to a long random secret (e.g. `openssl rand -hex 32`) and give crash-digest the same value as source-token.',
      ],
    });
    expect(readConfig({ CRASH_EXPORT_TOKEN: 'short' })).toEqual({
      errors: ['CRASH_EXPORT_TOKEN must be at least 16 characters: it guards every stored report.'],
    });
  });

  it('names each bad variable and its rule, never echoing a webhook URL', () => {
    const read = readConfig({
      CRASH_EXPORT_TOKEN: TOKEN,
      PORT: '70000',
      CRASH_RETENTION_DAYS: '0',
      CRASH_ALERT_COOLDOWN: '-1h',
      CRASH_ALERT_MENTION: 'the on-call',
      DISCORD_WEBHOOK_ALERTS: 'http://discord.com/api/webhooks/1/secret-token',
      CRASH_TRUST_PROXY: 'my proxy',
    });
    if (!('errors' in read)) throw new Error('expected errors');
    expect(read.errors).toEqual([
      'PORT must be a whole number from 0 to 65535, not "70000"',
      'CRASH_RETENTION_DAYS must be a whole number from 1 to 36500, not "0"',
      'CRASH_ALERT_COOLDOWN must be a duration like 30s, 15m or 6h (at most 720h), not "-1h"',
      'DISCORD_WEBHOOK_ALERTS must use https:// (plain http:// is accepted only for loopback test servers), not http://',
      'CRASH_ALERT_MENTION has "the", which is not a mention: use a user id (<@123…> or user:123…), a role (<@&123…> or role:123…), here or everyone',
      'CRASH_TRUST_PROXY must be true, loopback, or a comma-separated list of proxy addresses or CIDR ranges, not "my proxy"',
    ]);
    expect(read.errors.join('\n')).not.toContain('secret-token');
  });
});
