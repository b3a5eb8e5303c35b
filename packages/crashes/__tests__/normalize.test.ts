import { describe, expect, it } from '@jest/globals';
import { crashReportSchema, isCrashReport } from '../src/crash-report-schema';
import { normalizeReport, parseIsoTimestamp, type Crash } from '../src/normalize';
import { isSentryEvent, sentryEventSchema } from '../src/sentry-event-schema';

const appReport = {
  type: 'StateError',
  message: 'Bad state: No element',
  stackTrace:
    '#0      Iterable.firstWhere (dart:core/iterable.dart:759:5)\n#1      CartService.applyCoupon (package:mara/src/cart/cart_service.dart:54:32)\n',
  fatal: true,
  source: 'zone',
  platform: 'Android',
  appVersion: '2.4.0',
  buildNumber: 88,
  osVersion: 'Android 14 (API 34)',
  device: 'Pixel 8',
  timestamp: '2026-11-27T10:00:00.000+01:00',
  userId: 'u-1',
};

// Shaped like the events sentry_flutter 8 stores (fields we do not read left out).
const sentryEvent = {
  event_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  timestamp: 1764237600.5,
  platform: 'other',
  level: 'fatal',
  release: 'mara@2.4.0+88',
  user: { id: 4711 },
  contexts: { os: { name: 'iOS', version: '18.1' }, device: { model: 'iPhone15,2' } },
  exception: {
    values: [
      { type: 'FormatException', value: 'earlier, chained' },
      {
        type: 'StateError',
        value: 'Bad state: No element',
        mechanism: { type: 'runZonedGuarded', handled: true },
        stacktrace: {
          frames: [
            {
              function: 'main',
              abs_path: 'package:mara/main.dart',
              filename: 'main.dart',
              package: 'mara',
              lineno: 20,
              in_app: true,
            },
            {
              function: 'CartService.applyCoupon',
              abs_path: 'package:mara/src/cart/cart_service.dart',
              lineno: 54,
              colno: 32,
            },
            {
              function: 'Iterable.firstWhere',
              abs_path: 'dart:core/iterable.dart',
              filename: 'iterable.dart',
              lineno: 759,
              in_app: false,
            },
          ],
        },
      },
    ],
  },
};

const crashOf = (value: unknown): Crash => {
  const r = normalizeReport(value, ['mara']);
  if ('rejected' in r) throw new Error(r.rejected);
  return r.crash;
};

describe('normalizeReport', () => {
  it('reads the app report format: Dart trace parsed, in-app from app-package, build number as text', () => {
    const c = crashOf(appReport);
    expect(c).toMatchObject({
      type: 'StateError',
      message: 'Bad state: No element',
      obfuscated: false,
      fatal: true,
      platform: 'android',
      appVersion: '2.4.0',
      buildNumber: '88',
      timestamp: Date.parse('2026-11-27T09:00:00Z'),
      userId: 'u-1',
    });
    // A VM trace keeps its in-app frames, found by package; the trace stays for the sample.
    expect(c.frames.map((f) => [f.function, f.inApp])).toEqual([['CartService.applyCoupon', true]]);
    expect(c.trace).toBe(appReport.stackTrace);
  });

  it('reads a Sentry event: last exception, frames reversed to most recent first, release split', () => {
    const c = crashOf(sentryEvent);
    expect(c).toMatchObject({
      type: 'StateError',
      message: 'Bad state: No element',
      fatal: true,
      platform: 'ios',
      appVersion: '2.4.0',
      buildNumber: '88',
      timestamp: 1764237600500,
      userId: '4711',
    });
    expect(c.frames.map((f) => [f.function, f.file, f.line, f.inApp])).toEqual([
      ['Iterable.firstWhere', 'iterable.dart', 759, false],
      // No in_app flag: decided from the URI and app-package.
      ['CartService.applyCoupon', 'cart_service.dart', 54, true],
      ['main', 'main.dart', 20, true],
    ]);
  });

  it('treats an unhandled Sentry mechanism as fatal and a frameless event with addresses as obfuscated', () => {
    const c = crashOf({
      timestamp: '2026-11-27T10:00:00Z',
      level: 'error',
      exception: {
        values: [
          {
            type: 'FormatException',
            value: 'Invalid radix-10 number',
            mechanism: { type: 'FlutterError', handled: false },
            stacktrace: { frames: [{ instruction_addr: '0x723d6346d7' }] },
          },
        ],
      },
    });
    expect([c.fatal, c.obfuscated, c.appVersion, c.frames.length]).toEqual([true, true, 'unknown', 0]);
  });

  it.each([
    ['a string', 'hello', 'not a JSON object (string)'],
    ['null', null, 'not a JSON object (null)'],
    ['an array', [], 'not a JSON object (array)'],
    ['a report without type', { ...appReport, type: undefined }, 'crash report: type is missing'],
    [
      'a report with a bad source',
      { ...appReport, source: 'isolate' },
      'crash report: source: Invalid option: expected one of "flutter"|"platform"|"zone"',
    ],
    [
      'a report with a local time',
      { ...appReport, timestamp: '2026-11-27 10:00' },
      'crash report: timestamp: Invalid ISO datetime',
    ],
    [
      'a Sentry event without values',
      { exception: { values: [] }, timestamp: 1 },
      'Sentry event: exception.values: Too small: expected array to have >=1 items',
    ],
  ])('rejects %s with a countable reason', (_name, value, reason) => {
    expect(normalizeReport(value, ['mara'])).toEqual({ rejected: reason });
  });
});

describe('isCrashReport (the fast path)', () => {
  const candidates: unknown[] = [
    undefined,
    null,
    '',
    'x',
    'zone',
    'flutter',
    0,
    88,
    1.5,
    Infinity,
    true,
    false,
    [],
    {},
    '2026-11-27T10:00:00Z',
    '2026-11-27T10:00:00.123+05:30',
    '2026-11-27T10:00:00',
    '2026-11-27 10:00:00Z',
    '2026-02-30T10:00:00Z',
    '2024-02-29T23:59:59Z',
  ];

  it('accepts exactly what the zod schema accepts, field by field', () => {
    const disagreements: string[] = [];
    const fields = [...Object.keys(crashReportSchema.shape)];
    for (const field of fields) {
      for (const value of candidates) {
        const report: Record<string, unknown> = { ...appReport, [field]: value };
        if (value === undefined) delete report[field];
        const fast = isCrashReport(report);
        const zod = crashReportSchema.safeParse(report).success;
        if (fast !== zod) disagreements.push(`${field}=${JSON.stringify(value)}: fast ${fast}, zod ${zod}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(fields).toHaveLength(14);
  });

  it('accepts exactly the Sentry events the zod schema accepts, path by path', () => {
    const paths: (string | number)[][] = [
      ['exception'],
      ['exception', 'values'],
      ['exception', 'values', 1],
      ['exception', 'values', 1, 'type'],
      ['exception', 'values', 1, 'value'],
      ['exception', 'values', 1, 'mechanism'],
      ['exception', 'values', 1, 'mechanism', 'type'],
      ['exception', 'values', 1, 'mechanism', 'handled'],
      ['exception', 'values', 1, 'stacktrace'],
      ['exception', 'values', 1, 'stacktrace', 'frames'],
      ['exception', 'values', 1, 'stacktrace', 'frames', 0],
      ['exception', 'values', 1, 'stacktrace', 'frames', 0, 'function'],
      ['exception', 'values', 1, 'stacktrace', 'frames', 0, 'lineno'],
      ['exception', 'values', 1, 'stacktrace', 'frames', 0, 'in_app'],
      ['exception', 'values', 1, 'stacktrace', 'frames', 1, 'instruction_addr'],
      ['timestamp'],
      ['level'],
      ['release'],
      ['dist'],
      ['platform'],
      ['user'],
      ['user', 'id'],
      ['contexts'],
      ['contexts', 'os'],
      ['contexts', 'os', 'name'],
      ['contexts', 'device', 'family'],
      ['contexts', 'app'],
      ['contexts', 'app', 'app_build'],
    ];
    const disagreements: string[] = [];
    for (const path of paths) {
      for (const value of candidates) {
        const event = structuredClone(sentryEvent) as Record<string | number, unknown>;
        let node = event;
        for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string | number, unknown>;
        const last = path[path.length - 1] as string | number;
        if (value === undefined) delete node[last];
        else node[last] = value;
        const fast = isSentryEvent(event);
        const zod = sentryEventSchema.safeParse(event).success;
        if (fast !== zod)
          disagreements.push(`${path.join('.')}=${JSON.stringify(value)}: fast ${fast}, zod ${zod}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('accepts extra fields, as the schema does', () => {
    expect(isCrashReport({ ...appReport, extra: 1 })).toBe(true);
  });
});

describe('parseIsoTimestamp', () => {
  it.each([
    '2026-11-27T10:00:00Z',
    '2026-11-27T10:00:00.5Z',
    '2026-11-27T10:00:00.123Z',
    '2026-11-27T10:00:00.123456789Z',
    '2026-11-27T10:00:00.009+05:30',
    '2026-11-27T00:10:00-09:45',
    '2024-02-29T23:59:59.999+00:00',
    '1999-12-31T23:59:59-01:00',
  ])('reads %s like Date.parse', (t) => {
    expect(parseIsoTimestamp(t)).toBe(Date.parse(t));
  });
});
