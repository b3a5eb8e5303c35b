import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type Crash, fingerprintCrash, normalizeReport } from '@sre-toolkit/crashes';
import type { DeliveryResult, Webhook, WebhookMessage } from '@sre-toolkit/discord';
import { DAY_MS, Escalation, type EscalationOptions } from '../src/escalation';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const webhook: Webhook = {
  id: '1',
  token: 't',
  url: 'http://127.0.0.1:1/api/webhooks/1/t',
  label: 'webhook 1',
  discordHost: true,
};

function crash(n: number, at: number, version = '2.0.0', fatal = true): Crash {
  const r = normalizeReport(
    {
      type: 'StateError',
      message: `Bad state: step ${n}`,
      stackTrace: `#0      Step${n}.run (package:my_app/step_${n}.dart:12:5)\n`,
      fatal,
      source: 'zone',
      platform: 'android',
      appVersion: version,
      buildNumber: '1',
      osVersion: 'Android 14',
      device: 'Pixel 8',
      timestamp: new Date(at).toISOString(),
    },
    ['my_app'],
  );
  if (!('crash' in r)) throw new Error(r.rejected);
  return r.crash;
}

const titleOf = (m: WebhookMessage) => m.embeds?.[0]?.title ?? '';

describe('Escalation', () => {
  let dir: string;
  let clock: number;
  let sent: WebhookMessage[];
  let answers: DeliveryResult[];
  let made: Escalation[];

  const make = (extra: Partial<EscalationOptions> = {}) => {
    const e = new Escalation({
      dataDir: dir,
      appPackage: 'my_app',
      webhook,
      cooldownMs: 6 * HOUR,
      retentionMs: 90 * DAY_MS,
      now: () => clock,
      batchMs: 1,
      retryMs: 5,
      send: async (_w, message) => {
        sent.push(message);
        return answers.shift() ?? { webhook, ok: true, messageIds: [], delivered: 1, attempts: 1 };
      },
      ...extra,
    });
    made.push(e);
    return e;
  };
  const settle = async (e: Escalation) => {
    for (let i = 0; i < 200 && e.status().pending > 0; i++) await new Promise((r) => setTimeout(r, 5));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'escalation-'));
    clock = T0;
    sent = [];
    answers = [];
    made = [];
  });
  afterEach(async () => {
    for (const e of made) await e.stop(100);
    rmSync(dir, { recursive: true, force: true });
  });

  it('alerts a regression: a newer version after a day of silence, once per cooldown', async () => {
    const e = make();
    e.remember(crash(1, T0 - 3 * DAY_MS, '2.0.0'));
    e.accept(crash(1, T0, '2.0.0'));
    e.accept(crash(1, T0, '2.1.0'));
    await settle(e);
    // Same version again, then a newer one without a day of silence: nothing.
    expect(sent).toHaveLength(0);

    clock = T0 + 2 * DAY_MS;
    e.accept(crash(1, clock, '2.2.0'));
    await settle(e);
    expect(sent.map(titleOf)).toEqual(['Regressed fatal crash: StateError: Bad state: step <num>']);

    // Two days later, newer again: the 6 h cooldown is over, so it alerts again.
    clock = T0 + 4 * DAY_MS;
    e.accept(crash(1, clock, '2.3.0'));
    await settle(e);
    expect(sent).toHaveLength(2);
  });

  it('holds a regression back within the cooldown', async () => {
    const e = make({ cooldownMs: 5 * DAY_MS });
    e.accept(crash(1, T0, '2.0.0'));
    await settle(e);
    clock = T0 + 2 * DAY_MS;
    e.accept(crash(1, clock, '2.1.0'));
    await settle(e);
    expect(sent.map(titleOf)).toEqual(['New fatal crash: StateError: Bad state: step <num>']);
  });

  it('alerts a fatal group whose alert was lost in a crash, and not one already alerted', async () => {
    writeFileSync(
      join(dir, 'alert-state.json'),
      JSON.stringify({ version: 1, alerted: { [fingerprintOf(2)]: T0 - HOUR }, pending: [] }),
    );
    const e = make();
    await e.load();
    e.remember(crash(1, T0 - HOUR));
    e.remember(crash(2, T0 - HOUR));
    e.remember(crash(3, T0 - HOUR, '2.0.0', false));
    e.recoverMissed();
    await settle(e);
    expect(sent.map(titleOf)).toEqual(['New fatal crash: StateError: Bad state: step <num>']);
    expect(sent[0]?.embeds?.[0]?.fields?.find((f) => f.name === 'Culprit')?.value).toBe(
      '`step_1.dart in Step1.run`',
    );
  });

  it('sends one summary for more than 10 new groups, and one more for those of the rest of the minute', async () => {
    const e = make({ windowMs: 50 });
    for (let n = 0; n < 11; n++) e.accept(crash(n, T0));
    await settle(e);
    expect(sent.map(titleOf)).toEqual(['11 new crash groups in the last minute']);
    for (let n = 11; n < 14; n++) e.accept(crash(n, T0));
    await settle(e);
    expect(sent.map(titleOf)).toEqual([
      '11 new crash groups in the last minute',
      '3 new crash groups in the last minute',
    ]);
  });

  it('retries a failed delivery and drops one Discord refuses for good (404)', async () => {
    const e = make();
    answers = [
      {
        webhook,
        ok: false,
        messageIds: [],
        delivered: 0,
        attempts: 5,
        reason: 'Discord answered 503',
        status: 503,
      },
      { webhook, ok: true, messageIds: [], delivered: 1, attempts: 1 },
      {
        webhook,
        ok: false,
        messageIds: [],
        delivered: 0,
        attempts: 1,
        reason: 'Unknown Webhook',
        status: 404,
      },
    ];
    e.accept(crash(1, T0));
    await settle(e);
    expect(sent).toHaveLength(2);
    expect(e.status()).toMatchObject({ pending: 0, sent: 1, failed: 1, lastError: undefined });
    e.accept(crash(2, T0));
    await settle(e);
    expect(sent).toHaveLength(3);
    expect(e.status()).toMatchObject({ pending: 0, sent: 1, failed: 2, lastError: 'Unknown Webhook' });
  });
});

/** The fingerprint the escalation computes, through the crashes package's public API. */
const fingerprintOf = (n: number) => fingerprintCrash(crash(n, T0), 'my_app').fingerprint;
