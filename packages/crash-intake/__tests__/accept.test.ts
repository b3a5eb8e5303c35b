import { describe, expect, it } from '@jest/globals';
import { fingerprintCrash, normalizeReport } from '@sre-toolkit/crashes';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@sre-toolkit/testkit';
import {
  APP_FIELDS,
  deeperThan,
  MAX_BATCH,
  MAX_DEPTH,
  pseudonym,
  ReportChecker,
  scrubReport,
  scrubStackTrace,
} from '../src/accept';

const KEY = Buffer.alloc(32, 7);

const trace = [
  '#0      AuthRepository.signIn (package:mara/src/auth/auth_repository.dart:142:9)',
  '#1      _LoginPageState._submit (file:///Users/jane/dev/mara/lib/src/auth/login_page.dart:91:7)',
  '<asynchronous suspension>',
  'Exception: token=sk_live_abc123 for jane@example.com',
].join('\n');

const report = {
  type: '_TypeError',
  message: 'Null check operator used on a null value (jane@example.com)',
  stackTrace: trace,
  fatal: true,
  source: 'flutter',
  platform: 'android',
  appVersion: '2.4.0.1',
  buildNumber: '88',
  osVersion: 'Android 14 (API 34)',
  device: 'Pixel 8',
  timestamp: '2026-11-30T10:00:00Z',
  userId: 'jane.doe',
};

describe('scrubbing before the store', () => {
  it('scrubs frames member and URI apart, keeping line and column (and so the fingerprint)', () => {
    expect(scrubStackTrace(trace).split('\n')).toEqual([
      '#0      AuthRepository.signIn (package:mara/src/auth/auth_repository.dart:142:9)',
      '#1      _LoginPageState._submit (file:///Users/[user]/dev/mara/lib/src/auth/login_page.dart:91:7)',
      '<asynchronous suspension>',
      'Exception: token=[Filtered] for [email]',
    ]);
    const raw = normalizeReport(report, ['mara']);
    const clean = normalizeReport(scrubReport(report, KEY), ['mara']);
    if (!('crash' in raw) || !('crash' in clean)) throw new Error('both must be valid');
    expect(fingerprintCrash(clean.crash, 'mara')).toEqual(fingerprintCrash(raw.crash, 'mara'));
  });

  it('keeps validated fields as they are and replaces the user id by a pseudonym', () => {
    const clean = scrubReport(report, KEY);
    expect(clean.appVersion).toBe('2.4.0.1');
    expect(clean.message).toBe('Null check operator used on a null value ([email])');
    expect(clean.userId).toBe(pseudonym('jane.doe', KEY));
    expect(pseudonym('jane.doe', KEY)).toMatch(/^u_[0-9a-f]{20}$/);
    expect(pseudonym('jane.doe', KEY)).not.toBe(pseudonym('john.doe', KEY));
  });

  it('scrubs every free text of a Sentry event, but not its release or timestamp', () => {
    const event = {
      event_id: 'fc6d8c0c43fc4630ad850ee518f1b9d0',
      timestamp: 1764496800,
      release: 'mara@2.4.0.1+88',
      level: 'fatal',
      user: { id: 'jane.doe', ip_address: '10.20.30.40', email: 'jane@example.com' },
      exception: {
        values: [
          { type: 'SocketException', value: 'Connection refused, address = 192.168.1.20, port = 443' },
        ],
      },
    };
    const clean = scrubReport(event, KEY) as typeof event;
    expect(clean.release).toBe('mara@2.4.0.1+88');
    expect(clean.timestamp).toBe(1764496800);
    expect(clean.user).toEqual({
      id: pseudonym('jane.doe', KEY),
      ip_address: '[Filtered]',
      email: '[Filtered]',
    });
    expect(clean.exception.values[0]?.value).toBe('Connection refused, address = [ip], port = 443');
  });

  it('answers for each report of a batch, and refuses one over the batch limit', () => {
    const checker = new ReportChecker(['mara'], KEY);
    const checked = checker.check([report, { ...report, platform: 'palm' }, 'text']);
    if ('error' in checked) throw new Error(checked.error);
    expect(checked.accepted).toHaveLength(1);
    expect(checked.rejected).toEqual([
      {
        index: 1,
        reason: 'crash report: platform: must be one of android, ios, macos, windows, linux, fuchsia, web',
      },
      { index: 2, reason: 'not a JSON object (string)' },
    ]);
    expect(checker.check(Array.from({ length: MAX_BATCH + 1 }, () => report))).toEqual({
      error: `a batch holds at most ${MAX_BATCH} reports, this one ${MAX_BATCH + 1}`,
    });
  });

  it('drops fields the schema does not know from app reports', () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'crash-report.schema.json'), 'utf8')) as {
      properties: Record<string, unknown>;
    };
    expect([...APP_FIELDS].sort()).toEqual(Object.keys(schema.properties).sort());
    const clean = scrubReport(
      { ...report, email: 'john.doe@example.com', nested: { token: 'Bearer sk_live_abcdefghijklmnop1234' } },
      KEY,
    );
    expect(Object.keys(clean).sort()).toEqual(Object.keys(report).sort());
    expect(JSON.stringify(clean)).not.toMatch(/john\.doe|sk_live|jane@/);
  });

  it('keeps Sentry ids and versions only at the top level and filters secrets by key name', () => {
    const event = {
      event_id: 'fc6d8c0c43fc4630ad850ee518f1b9d0',
      timestamp: '2026-11-30T10:00:00Z',
      platform: 'other',
      level: 'error',
      release: 'mara@1.4.2+88',
      dist: '88',
      environment: 'prod john.doe@example.com',
      exception: {
        values: [
          {
            type: 'VErr',
            value: 'V2',
            mechanism: { type: 'flutter', handled: false },
            stacktrace: { frames: [{ function: 'f', filename: 'a.dart', vars: { password: 'hunter2' } }] },
          },
        ],
      },
      contexts: { app: { app_version: '1.4.2.1', app_build: '88' }, os: { name: 'Android' } },
      request: {
        headers: { Cookie: 'session=abcdef123456', Authorization: 'Basic dXNlcjpwYXNz', Accept: '*/*' },
      },
      extra: { type: 'john.doe@example.com password=hunter2', 'jane@example.com': 1 },
      user: { id: 'jane@example.com', username: 'janedoe', email: 'jane@example.com', ip_address: '1.2.3.4' },
    };
    const clean = scrubReport(event, KEY) as unknown as typeof event;
    expect(clean.release).toBe('mara@1.4.2+88');
    expect(clean.dist).toBe('88');
    expect(clean.event_id).toBe(event.event_id);
    expect(clean.environment).toBe('prod [email]');
    expect(clean.exception.values[0]?.type).toBe('VErr');
    expect(clean.exception.values[0]?.mechanism).toEqual({ type: 'flutter', handled: false });
    expect(clean.exception.values[0]?.stacktrace.frames[0]?.vars).toEqual({ password: '[Filtered]' });
    expect(clean.contexts.app).toEqual({ app_version: '1.4.2.1', app_build: '88' });
    expect(clean.request.headers).toEqual({
      Cookie: '[Filtered]',
      Authorization: '[Filtered]',
      Accept: '*/*',
    });
    expect(clean.extra).toEqual({ type: '[email] password=[Filtered]', '[email]': 1 });
    expect(clean.user).toEqual({
      id: pseudonym('jane@example.com', KEY),
      username: '[Filtered]',
      email: '[Filtered]',
      ip_address: '[Filtered]',
    });
    expect(JSON.stringify(clean)).not.toMatch(/hunter2|janedoe|jane@|john\.doe|abcdef123456|dXNlcjpwYXNz/);
  });

  it('hashes user ids as sent, keyed: distinct e-mail ids stay distinct, another key gives other pseudonyms', () => {
    const a = scrubReport({ exception: { values: [] }, user: { id: 'a@example.com' } }, KEY);
    const b = scrubReport({ exception: { values: [] }, user: { id: 'b@example.com' } }, KEY);
    expect(a.user).not.toEqual(b.user);
    expect((a.user as { id: string }).id).toMatch(/^u_[0-9a-f]{20}$/);
    expect(pseudonym('jane.doe', KEY)).not.toBe(pseudonym('jane.doe', Buffer.alloc(32, 8)));
    expect(scrubReport(report, KEY).userId).toBe(pseudonym('jane.doe', KEY));
  });

  it('refuses a report nested too deep without recursion, and keeps the others of its batch', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(deeperThan(deep, MAX_DEPTH)).toBe(true);
    expect(deeperThan(report, MAX_DEPTH)).toBe(false);
    const checked = new ReportChecker(['mara'], KEY).check([{ ...report, x: deep }, report]);
    if ('error' in checked) throw new Error(checked.error);
    expect(checked.accepted).toHaveLength(1);
    expect(checked.rejected).toEqual([
      { index: 0, reason: `the report is nested deeper than ${MAX_DEPTH} levels` },
    ]);
  });

  it('refuses reports dated before 2000 or more than a day ahead of the clock', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    const checker = new ReportChecker(['mara'], KEY, () => now);
    const checked = checker.check([
      { ...report, timestamp: '2026-12-01T11:00:00Z' },
      { ...report, timestamp: '2027-06-01T00:00:00Z' },
      { ...report, timestamp: '1999-12-31T23:59:59Z' },
    ]);
    if ('error' in checked) throw new Error(checked.error);
    expect(checked.accepted).toHaveLength(1);
    expect(checked.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(checked.rejected[0]?.reason).toMatch(/^timestamp: /);
  });
});
