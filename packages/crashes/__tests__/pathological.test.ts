import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  basename,
  isInAppUri,
  normalizeFunction,
  obfuscatedOffset,
  packageOf,
  parseDartStackTrace,
  vmFrame,
} from '../src/dart-stack';
import { groupTitle } from '../src/fingerprint';
import { parameterize } from '../src/parameterize';
import { displayUri, replaceEmails, replaceJwts, scrub, scrubPemBlocks } from '../src/scrub';
import { compareVersions } from '../src/versions';

// Every function of the package that runs a pattern over report text, by name.
const subjects: Record<string, (text: string) => unknown> = {
  scrub,
  scrubPemBlocks,
  replaceEmails: (t) => replaceEmails(t, '[email]'),
  replaceJwts,
  parameterize,
  groupTitle: (t) => groupTitle({ type: 'E', message: t } as Parameters<typeof groupTitle>[0]),
  parseDartStackTrace,
  vmFrame,
  obfuscatedOffset,
  normalizeFunction,
  packageOf,
  basename,
  displayUri,
  isInAppUri: (t) => isInAppUri(t, ['mara']),
  compareVersions: (t) => compareVersions(t, t.slice(1)),
};

// Long runs of what each pattern looks for: key=value, e-mail, host, frame and number rules.
const RUNS = [
  'a=',
  '@',
  '.',
  '(',
  ' (',
  '#0 ',
  '#0 a (',
  ' ',
  '-',
  '1',
  '1.',
  '1:',
  'a',
  'a.',
  'a@',
  'a-',
  'a.a@',
  '0x',
  'eyJa-',
  'eyJa.',
  '<',
  '<a',
  'password ',
  'password=',
  'token: ',
  '=\\"',
  "='",
  '+1 ',
  ':',
  '::',
  'a:',
  '1 ',
  '-----BEGIN PRIVATE KEY-----',
  'a://',
  'a:b@',
  'Bearer ',
  '/home/',
  'C:\\Users\\',
  'DE89 ',
  '4111 ',
  'package:a/',
  'file:///lib/',
  '*** ',
  '=====',
  '...',
  '\n#0 ',
  '<anonymous closure>',
  '<<anonymous closure>_async_body>',
  '<a_async_body',
  'at a (',
  'at eval at a (',
  ' [as ',
  'a@',
  'a@a:1',
  '@a/:',
  'a/b ',
  'a.dart 1:1 ',
  'a/1 1:',
  'C:\\a ',
  'packages/',
  '/packages/a',
  ':1:1',
  '<asynchronous suspension>',
  '===== asynchronous gap',
  '#00 abs 1 virt ',
  "build_id: '",
  'A#e028a',
  'relayoutBoundary=up1',
  '1.1.',
  'ghp_',
  'github_pat_',
  'xoxb-',
  'xoxb-a',
  'sk_live_',
  'AKIA',
  'AKIAA',
];
const SIZE = 100 * 1024;
// Linear passes take tens of ms; a backtracking pattern takes seconds to minutes on 100 KB. The margin
// keeps a loaded two-core CI runner from failing a linear pattern.
const LIMIT_MS = 1000;

/** The fastest of two calls: one slow call on a busy machine is noise, a slow pattern is slow twice. */
function timeOf(f: (text: string) => unknown, text: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2; i++) {
    const start = performance.now();
    f(text);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('every pattern that sees report text runs in linear time', () => {
  it.each(Object.keys(subjects))('%s handles 100 KB runs of each pathological piece within 1 s', (name) => {
    const f = subjects[name] as (text: string) => unknown;
    const slow: string[] = [];
    for (const run of RUNS) {
      for (const tail of ['', '!', '\n']) {
        const text = run.repeat(Math.ceil(SIZE / run.length)).slice(0, SIZE) + tail;
        const ms = timeOf(f, text);
        if (ms >= LIMIT_MS) slow.push(`${JSON.stringify(run)}+${JSON.stringify(tail)}: ${ms.toFixed(0)} ms`);
      }
    }
    expect(slow).toEqual([]);
  });

  it('scrubs a run of unfinished JWT headers that ends next to a dot in linear time', () => {
    // Found by the property below: every `eyJ` of the run rescanned the run to its end.
    const half = SIZE / 2;
    const text = 'eyJa-'.repeat(half / 5 + 1).slice(0, half) + 'a.a@'.repeat(half / 4).slice(0, half);
    expect(timeOf(scrub, text)).toBeLessThan(LIMIT_MS);
    expect(scrub('x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln y')).toBe('x [token] y');
  });

  it('handles 100 KB texts made of random pathological pieces within 1 s per call', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...RUNS), { minLength: 1, maxLength: 6 }), (pieces) => {
        // Each piece repeated into a long run, the runs one after another.
        const share = Math.ceil(SIZE / pieces.length);
        const text = pieces.map((p) => p.repeat(Math.ceil(share / p.length)).slice(0, share)).join('');
        for (const [name, f] of Object.entries(subjects)) {
          const ms = timeOf(f, text);
          if (ms >= LIMIT_MS)
            throw new Error(`${name} took ${ms.toFixed(0)} ms on ${JSON.stringify(pieces)}`);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('reads a frame the way the REFERENCE pattern does, on any line', () => {
    const reference = /^#\d+\s+(\S.*) \((.+?)((?::\d+){0,2})\)$/;
    const part = fc.constantFrom(
      '#',
      '0',
      '12',
      ' ',
      '  ',
      '(',
      ')',
      ' (',
      ':',
      '1',
      'a',
      'Foo.bar',
      'package:m/a.dart',
      '\u2028',
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 14 }), (parts) => {
        const line = parts.join('');
        const m = reference.exec(line);
        expect(vmFrame(line)).toEqual(m ? [m[1], m[2], m[3]] : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it("reads an obfuscated frame's offset the way the whole pattern does, on any line", () => {
    const pattern = /^#\d+\s+abs\s+([0-9a-fA-F]+)(?:\s+virt\s+([0-9a-fA-F]+))?(?:\s+(\S+))?/;
    const zeros = (hex: string) => hex.replace(/^0+(?=.)/, '').toLowerCase();
    const reference = (line: string) => {
      const m = pattern.exec(line);
      if (!m) return undefined;
      const [, abs = '', virt, symbol] = m;
      if (virt) return `virt:${zeros(virt)}`;
      const plus = symbol?.lastIndexOf('+0x') ?? -1;
      if (symbol && plus > 0) return `${symbol.slice(0, plus)}:${symbol.slice(plus + 3).toLowerCase()}`;
      return `abs:${zeros(abs)}`;
    };
    const part = fc.constantFrom(
      '#',
      '07',
      ' ',
      '\t',
      '\u00a0',
      'abs',
      'virt',
      '00',
      '0',
      '1e26D7',
      'fF9',
      'aBc',
      'g',
      '@',
      '_kDartIsolateSnapshotInstructions',
      '+0x',
      '+0x1F',
    );
    const line = fc.oneof(
      fc.array(part, { maxLength: 12 }).map((parts) => parts.join('')),
      fc.array(part, { maxLength: 8 }).map((parts) => `#1 abs 00ff${parts.join('')}`),
      fc.array(part, { maxLength: 8 }).map((parts) => `#12  abs 000a virt ${parts.join('')}`),
    );
    fc.assert(
      fc.property(line, (text) => expect(obfuscatedOffset(text)).toEqual(reference(text))),
      { numRuns: 5000 },
    );
    expect(
      obfuscatedOffset(
        '#00 abs 000000723d6346d7 virt 00000000001E26D7 _kDartIsolateSnapshotInstructions+0x1e26d7',
      ),
    ).toBe('virt:1e26d7');
    expect(obfuscatedOffset('#01 abs 000000723d6346d7 _kDartIsolateSnapshotInstructions+0x1E26D7')).toBe(
      '_kDartIsolateSnapshotInstructions:1e26d7',
    );
    expect(obfuscatedOffset('#02 abs 0000000000000000 virt zz')).toBe('abs:0');
  });
});

describe('timestamps no Date can hold', () => {
  it('rejects a Sentry event stamped 1e13 seconds instead of failing the digest', async () => {
    const { sentryEventSchema, isSentryEvent } = await import('../src/sentry-event-schema');
    for (const timestamp of [1e13, -1e13, 1e300, -1]) {
      const event = { timestamp, exception: { values: [{ type: 'StateError', value: 'x' }] } };
      expect(sentryEventSchema.safeParse(event).success).toBe(false);
      expect(isSentryEvent(event)).toBe(false);
    }
  });
});
