import { describe, expect, it } from '@jest/globals';
import { fingerprintCrash, normalizeReport } from '@sre-toolkit/crashes';
import { MAX_BATCH, pseudonym, ReportChecker, scrubReport, scrubStackTrace } from '../src/accept';

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
    const clean = normalizeReport(scrubReport(report), ['mara']);
    if (!('crash' in raw) || !('crash' in clean)) throw new Error('both must be valid');
    expect(fingerprintCrash(clean.crash, 'mara')).toEqual(fingerprintCrash(raw.crash, 'mara'));
  });

  it('keeps validated fields as they are and replaces the user id by a pseudonym', () => {
    const clean = scrubReport(report);
    expect(clean.appVersion).toBe('2.4.0.1');
    expect(clean.message).toBe('Null check operator used on a null value ([email])');
    expect(clean.userId).toBe(pseudonym('jane.doe'));
    expect(pseudonym('jane.doe')).toMatch(/^u_[0-9a-f]{20}$/);
    expect(pseudonym('jane.doe')).not.toBe(pseudonym('john.doe'));
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
    const clean = scrubReport(event) as typeof event;
    expect(clean.release).toBe('mara@2.4.0.1+88');
    expect(clean.timestamp).toBe(1764496800);
    expect(clean.user).toEqual({ id: pseudonym('jane.doe'), ip_address: '[ip]', email: '[email]' });
    expect(clean.exception.values[0]?.value).toBe('Connection refused, address = [ip], port = 443');
  });

  it('answers for each report of a batch, and refuses one over the batch limit', () => {
    const checker = new ReportChecker(['mara']);
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
});
