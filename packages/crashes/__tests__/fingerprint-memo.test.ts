import { describe, expect, it } from '@jest/globals';
import { crashCorpusLines, realisticCorpusLines } from '@sre-toolkit/testkit';
import { fingerprintCrash } from '../src/fingerprint';
import { FingerprintMemo } from '../src/fingerprint-memo';
import { normalizeReport, TraceCache, type Crash } from '../src/normalize';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const APP = ['mara'];

/** The corpora's reports as the grouper sees them: one trace cache, so frames are shared. */
function crashes(): Crash[] {
  const traces = new TraceCache(APP);
  const out: Crash[] = [];
  for (const line of [
    ...realisticCorpusLines({ now: NOW, reports: 4000 }),
    ...crashCorpusLines({ now: NOW, scale: 2 }),
  ]) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const r = normalizeReport(value, APP, traces, line);
    if (!('crash' in r)) continue;
    out.push(r.crash);
    // And now and then the same report without its in-app frames: the message decides.
    if (out.length % 50 === 0) out.push({ ...r.crash, frames: r.crash.frames.filter((f) => !f.inApp) });
  }
  return out;
}

describe('FingerprintMemo', () => {
  const all = crashes();

  it('gives what fingerprintCrash gives for every corpus report, also when it starts over', () => {
    const bases = new Set<string>();
    // A tiny limit makes the tree start over many times on the way.
    for (const memo of [new FingerprintMemo('mara'), new FingerprintMemo('mara', 7)]) {
      for (const crash of all) {
        const expected = fingerprintCrash(crash, 'mara');
        expect(memo.of(crash)).toEqual(expected);
        bases.add(expected.basis);
      }
    }
    expect(all.length).toBeGreaterThan(4000);
    expect([...bases].sort()).toEqual(['addresses', 'frames', 'message']);
  });

  it('separates types and paths that share a prefix, and counts a recursion once', () => {
    const frame = (fn: string, file: string, line: number) => ({
      function: fn,
      uri: `package:mara/src/${file}`,
      package: 'mara',
      file,
      line,
      inApp: true,
    });
    const base: Omit<Crash, 'type' | 'frames'> = {
      message: 'm',
      sharedFrames: false,
      obfuscated: false,
      fatal: false,
      platform: 'android',
      appVersion: '1.0.0',
      buildNumber: '1',
      timestamp: NOW,
    };
    const a = frame('A.a', 'a.dart', 1);
    const b = frame('B.b', 'b.dart', 2);
    const cases: Crash[] = [
      { ...base, type: 'StateError', frames: [a] },
      { ...base, type: 'StateError', frames: [a, b] },
      { ...base, type: 'StateError', frames: [a, frame('A.a', 'a.dart', 9), b] },
      { ...base, type: 'RangeError', frames: [a, b] },
      { ...base, type: 'StateError', frames: [b, a] },
    ];
    const memo = new FingerprintMemo('mara');
    const got = cases.map((c) => memo.of(c).fingerprint);
    expect(got).toEqual(cases.map((c) => fingerprintCrash(c, 'mara').fingerprint));
    expect(new Set(got).size).toBe(4);
    expect(got[2]).toBe(got[1]);
  });
});
