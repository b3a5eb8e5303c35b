import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { realisticCorpusLines } from '@sre-toolkit/testkit';
import {
  asSentryShape,
  fromSentry,
  normalizeChecked,
  SAMPLE_FRAMES,
  TraceCache,
} from '../src/report-normalize';
import { isSentryEvent } from '../src/sentry-checks';
import { fingerprintCrash } from '../src/fingerprint';
import type { Crash } from '../src/report-normalize';

const APP = ['mara'];

/** The plain path: the event copied without its nulls, then checked and read. */
function copied(value: Record<string, unknown>) {
  const event = asSentryShape(value);
  return isSentryEvent(event) ? fromSentry(event, APP, SAMPLE_FRAMES) : { unchecked: event, sentry: true };
}

const event = {
  event_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  timestamp: '2026-11-27T10:00:00.000Z',
  platform: 'other',
  level: 'error',
  release: 'mara@2.4.0+88',
  dist: '88',
  user: { id: 'u-1' },
  contexts: {
    os: { name: 'Android', version: '14' },
    device: { model: 'Pixel 8', family: 'Pixel' },
    app: { app_version: '2.4.0', app_build: '88' },
  },
  exception: {
    values: [
      {
        type: 'StateError',
        value: 'Bad state: No element',
        module: 'dart:core',
        mechanism: { type: 'FlutterError', handled: false },
        stacktrace: {
          frames: [
            {
              function: 'main',
              abs_path: 'package:mara/main.dart',
              filename: 'main.dart',
              lineno: 20,
              colno: 3,
            },
            {
              function: 'CartService.apply',
              module: 'cart',
              abs_path: 'package:mara/src/cart.dart',
              package: 'mara',
              lineno: 54,
              in_app: true,
              instruction_addr: '0x1000',
            },
          ],
        },
      },
    ],
  },
};

// Every member the checks or fromSentry read, and the containers on the way.
const PATHS: readonly (readonly (string | number)[])[] = [
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
  ['contexts', 'device'],
  ['contexts', 'app'],
  ['contexts', 'app', 'app_version'],
  ['contexts', 'app', 'app_build'],
  ['exception'],
  ['exception', 'values'],
  ['exception', 'values', 0],
  ['exception', 'values', 0, 'type'],
  ['exception', 'values', 0, 'value'],
  ['exception', 'values', 0, 'mechanism'],
  ['exception', 'values', 0, 'mechanism', 'handled'],
  ['exception', 'values', 0, 'stacktrace'],
  ['exception', 'values', 0, 'stacktrace', 'frames'],
  ['exception', 'values', 0, 'stacktrace', 'frames', 0],
  ...[
    'function',
    'abs_path',
    'filename',
    'module',
    'package',
    'lineno',
    'colno',
    'in_app',
    'instruction_addr',
  ].map((key) => ['exception', 'values', 0, 'stacktrace', 'frames', 1, key]),
];

function withValues(base: object, changes: readonly [readonly (string | number)[], unknown][]) {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  for (const [path, value] of changes) {
    let node: Record<string | number, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) {
      const next: unknown = node[key];
      node =
        typeof next === 'object' && next !== null ? (next as Record<string | number, unknown>) : undefined;
      if (!node) break;
    }
    if (node) node[path[path.length - 1] as string | number] = value;
  }
  return copy;
}

describe('Sentry events read with their nulls (no copy without them)', () => {
  it('reads every event with nulls anywhere exactly as the copy without them', () => {
    // Fresh objects each time: a shared one set at two paths would make a cycle.
    const change = fc
      .tuple(
        fc.constantFrom(...PATHS),
        fc.constantFrom<unknown>(null, null, null, undefined, '', 'x', 7, -1, true, 'object', 'array'),
      )
      .map(([path, v]): [readonly (string | number)[], unknown] => [
        path,
        v === 'object' ? {} : v === 'array' ? [] : v,
      ]);
    fc.assert(
      fc.property(fc.array(change, { maxLength: 5 }), (changes) => {
        const value = withValues(event, changes);
        const traces = new TraceCache(APP);
        expect(normalizeChecked(value, APP, traces)).toStrictEqual(copied(value));
        expect(normalizeChecked(value, APP, traces, JSON.stringify(value))).toStrictEqual(copied(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the realistic corpus events (nulls in every frame) as the copy without them', () => {
    const traces = new TraceCache(APP);
    let events = 0;
    for (const line of realisticCorpusLines({ now: Date.parse('2026-11-20T12:00:00Z'), reports: 1500 })) {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (!('exception' in value)) continue;
      events++;
      const read = normalizeChecked(value, APP, traces, line);
      expect('crash' in read).toBe(true);
      expect(read).toStrictEqual(copied(value));
    }
    expect(events).toBeGreaterThan(50);
  });

  it('counts a null user id, build or type as absent, never as the text "null"', () => {
    const value = withValues(event, [
      [['user', 'id'], null],
      [['dist'], null],
      [['release'], 'mara@2.4.0'],
      [['contexts', 'app', 'app_build'], null],
      [['exception', 'values', 0, 'type'], null],
    ]);
    const read = normalizeChecked(value, APP, new TraceCache(APP));
    expect(read).toMatchObject({
      crash: { userId: undefined, appVersion: '2.4.0', buildNumber: '', type: 'Error' },
    });
  });

  it('keeps the top frames and the in-app ones: the same fingerprint and sample as every frame', () => {
    let compacted = 0;
    for (const line of realisticCorpusLines({ now: Date.parse('2026-11-20T12:00:00Z'), reports: 3000 })) {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (!('exception' in value)) continue;
      const event = asSentryShape(value);
      if (!isSentryEvent(event)) throw new Error('the corpus event does not pass');
      const all = fromSentry(event, APP);
      const kept = normalizeChecked(value, APP, new TraceCache(APP), line);
      if (!('crash' in all) || !('crash' in kept)) throw new Error('not read');
      const every = all.crash.frames;
      expect(kept.crash.frames).toStrictEqual(every.filter((f, i) => i < 5 || f.inApp));
      expect(fingerprintCrash(kept.crash as Crash, 'mara')).toStrictEqual(
        fingerprintCrash(all.crash, 'mara'),
      );
      if (kept.crash.frames.length < every.length) compacted++;
    }
    expect(compacted).toBeGreaterThan(50);
  });
});
