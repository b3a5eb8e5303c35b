import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sampleCorpusTraces } from '@sre-toolkit/testkit';
import { parseDartStackTrace, plainAbsLine, type DartTrace, type ParseOptions } from '../src/dart-stack';
import { FingerprintMemo } from '../src/fingerprint-memo';
import { fingerprintCrash } from '../src/fingerprint';
import { TraceCache, type Crash } from '../src/normalize';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const APP = ['mara'];

const parts = (t: DartTrace) => ({
  ...t,
  frames: t.frames.map((f) => [f.member, f.uri, f.line, f.column, f.afterAsyncGap]),
});

/**
 * The read without the in-place scans: each line behind a `\u00a0`, which trim() removes and
 * plainAbsLine does not pass, so every line is sliced, trimmed and matched as before.
 */
const plainRead = (text: string, options: ParseOptions) =>
  parseDartStackTrace(text.replace(/^/gm, '\u00a0'), options);

/** What a read with `offsets: n` must give: the plain read, its offsets cut to n. */
function expectSameAsPlain(text: string, n: number): void {
  const options = { compactFor: APP, keepTop: 5 };
  const plain = plainRead(text, options);
  expect(parts(parseDartStackTrace(text, options))).toEqual(parts(plain));
  const fast = parseDartStackTrace(text, { ...options, offsets: n });
  const cut = plain.offsets ? { ...plain, offsets: plain.offsets.slice(0, n) } : plain;
  expect(parts(fast)).toEqual(parts(cut));
}

const ABS = '#05 abs 0000007b275a9252 virt 0000000000197252 _kDartIsolateSnapshotInstructions+0x197252';

describe('obfuscated traces past their kept offsets', () => {
  it('reads every corpus trace as the plain read does, offsets cut, for any number kept', () => {
    let obfuscated = 0;
    for (const text of sampleCorpusTraces(NOW)) {
      if (text.includes(' abs ')) obfuscated++;
      for (const n of [0, 1, 5]) expectSameAsPlain(text, n);
    }
    expect(obfuscated).toBeGreaterThan(200);
  });

  it('recognizes only lines the plain read takes as a frame offset, without a gap glued on', () => {
    const yes = [ABS, `  ${ABS}  `, `\t${ABS}\r`, '#1 abs 0', '#1 abs 0 \t', '#12   abs   00ff rest ab12'];
    const no = [
      `${ABS} <asynchronous suspension>`,
      `${ABS} ===== asynchronous gap ===`,
      `${ABS}\u00a0`,
      `\u00a0${ABS}`,
      '#05\tabs 0000007b275a9252',
      '#05 abs\t0000007b275a9252',
      '#abs 00ff',
      '# abs 00ff',
      '#05 abs zz',
      '#05 abs ',
      '#05 absolute 00ff',
      '#05      Foo.bar (package:mara/a.dart:1:2)',
      '05 abs 00ff',
    ];
    for (const line of yes) expect([line, plainAbsLine(line, 0, line.length)]).toEqual([line, true]);
    for (const line of no) expect([line, plainAbsLine(line, 0, line.length)]).toEqual([line, false]);
    // Within a larger text, only [from, end) counts.
    const text = `x\n${ABS}\n#06 Foo (package:mara/a.dart:1:2)`;
    expect(plainAbsLine(text, 2, 2 + ABS.length)).toBe(true);
    expect(plainAbsLine(text, 3 + ABS.length, text.length)).toBe(false);
  });

  it('reads hostile mixes of offsets, gaps, frames and blanks as the plain read does', () => {
    const line = fc.constantFrom(
      '*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
      "build_id: '317156075a6b3d2e'",
      ABS,
      '#06 abs 0000007b275c6f2b virt 00000000001b4f2b',
      '#07 abs 0000007b275c6f2b _kDartIsolateSnapshotInstructions+0x1b4f2b',
      '#08 abs 0000007b275c6f2b',
      '#08 abs 0000007b275c6f2b virt',
      '#08 abs 0000007b275c6f2b virtual 00ff',
      '#08 abs 0000007b275c6f2b virt zz 00ff',
      '#08 abs 0000007b275c6f2b  virt   0000000000FF00 sym+0x1',
      '#08 abs 0000007b275c6f2b\tvirt 00ff',
      '#08 abs 0000007b275c6f2b virt\t00ff',
      '#08 abs 0000007b275c6f2bvirt 00ff',
      '#08 abs 0000007b275c6f2b virt 0000 ',
      `${ABS}<asynchronous suspension>`,
      `${ABS} ===== asynchronous gap ===========`,
      '<asynchronous suspension>',
      '#09\tabs 00ff',
      `\u00a0${ABS}`,
      '#10      Foo.bar (package:mara/src/a.dart:1:2)',
      'package:mara/src/b.dart 3:4  Bar.baz',
      '#11 abs xyz (package:mara/src/c.dart:5:6)',
      '',
      '   ',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 24 }), fc.nat(4), (lines, n) => {
        expectSameAsPlain(lines.join('\n'), n);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps the offsets the fingerprint reads, and the same fingerprint as before', () => {
    const text = [
      '*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
      "build_id: '317156075a6b3d2e'",
      ...Array.from({ length: 12 }, (_, i) => `#${i} abs 00007b27 virt 0000${i}f0 x+0x${i}f0`),
    ].join('\n');
    const read = new TraceCache(APP).parse(text);
    expect(read.offsets).toEqual(['virt:f0', 'virt:1f0', 'virt:2f0', 'virt:3f0', 'virt:4f0']);
    const crash = (offsets: readonly string[] | undefined): Crash => ({
      type: 'StateError',
      message: 'm',
      frames: [],
      sharedFrames: false,
      obfuscated: true,
      buildId: '317156075a6b3d2e',
      ...(offsets ? { offsets } : {}),
      fatal: false,
      platform: 'android',
      appVersion: '1.0.0',
      buildNumber: '1',
      timestamp: NOW,
    });
    const all = parseDartStackTrace(text).offsets;
    expect(fingerprintCrash(crash(read.offsets))).toEqual(fingerprintCrash(crash(all)));
  });
});

describe('FingerprintMemo on obfuscated traces', () => {
  it('separates builds, types and offset paths that share a prefix, as fingerprintCrash does', () => {
    const base: Omit<Crash, 'type'> = {
      message: 'Null check operator used on a null value',
      frames: [],
      sharedFrames: false,
      obfuscated: true,
      fatal: false,
      platform: 'android',
      appVersion: '1.0.0',
      buildNumber: '1',
      timestamp: NOW,
    };
    const cases: Crash[] = [
      { ...base, type: 'StateError', buildId: 'b1', offsets: ['virt:1'] },
      { ...base, type: 'StateError', buildId: 'b1', offsets: ['virt:1', 'virt:2'] },
      { ...base, type: 'StateError', buildId: 'b2', offsets: ['virt:1', 'virt:2'] },
      { ...base, type: 'RangeError', buildId: 'b1', offsets: ['virt:1', 'virt:2'] },
      { ...base, type: 'StateError', offsets: ['virt:1', 'virt:2'] },
      { ...base, type: 'StateError', buildId: 'unknown', offsets: ['virt:1', 'virt:2'] },
      { ...base, type: 'StateError', buildId: 'b1', offsets: ['virt:2', 'virt:1'] },
      { ...base, type: 'StateError', buildId: 'b1', offsets: ['1', '2', '3', '4', '5', '6'] },
      { ...base, type: 'StateError', buildId: 'b1', offsets: ['1', '2', '3', '4', '5', '7'] },
      { ...base, type: 'StateError', buildId: 'b1', offsets: [] },
      { ...base, type: 'StateError', buildId: 'b1', message: 'other', offsets: [] },
      { ...base, type: 'StateError', buildId: 'b1' },
      { ...base, type: 'StateError', buildId: 'b1', offsets: [`virt:${'f'.repeat(200)}`] },
      { ...base, type: 'StateError', buildId: 'b1', offsets: [`virt:${'f'.repeat(200)}`, 'virt:2'] },
    ];
    for (const memo of [new FingerprintMemo('mara'), new FingerprintMemo('mara', 3)]) {
      // Twice: the second round answers from the tree.
      for (let round = 0; round < 2; round++)
        for (const c of cases) expect(memo.of(c)).toEqual(fingerprintCrash(c, 'mara'));
    }
    const distinct = new Set(cases.map((c) => fingerprintCrash(c, 'mara').fingerprint));
    // `unknown` and no build are one build; six offsets read as five; no offsets: the message.
    expect(distinct.size).toBe(cases.length - 3);
    // A hostile offset is hashed every time, never kept as a key.
    const memo = new FingerprintMemo('mara');
    const long = cases[cases.length - 1] as Crash;
    memo.of(long);
    expect(memo.of(long)).not.toBe(memo.of(long));
    expect(memo.of(cases[1] as Crash)).toBe(memo.of(cases[1] as Crash));
  });
});
