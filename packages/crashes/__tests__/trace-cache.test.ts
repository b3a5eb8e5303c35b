import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sampleCorpusTraces } from '@sre-toolkit/testkit';
import { isInAppUri, parseDartStackTrace, type DartFrame } from '../src/dart-stack';
import { inAppFramesByPackage } from '../src/in-app-frames';
import { fingerprintCrash } from '../src/fingerprint';
import { TraceCache, type Crash, type Frame } from '../src/normalize';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const APP = ['mara'];
const parts = (frames: readonly DartFrame[] | readonly Frame[]) =>
  frames.map((f) => [f.function, f.uri, f.package, f.file, f.line, f.column]);

const traces = (): string[] => sampleCorpusTraces(NOW);

const crashOf = (
  frames: readonly Frame[],
  trace: { obfuscated: boolean; buildId?: string; offsets?: readonly string[] },
): Crash => ({
  type: 'StateError',
  message: 'm',
  frames,
  sharedFrames: false,
  obfuscated: trace.obfuscated,
  ...(trace.buildId ? { buildId: trace.buildId } : {}),
  ...(trace.offsets ? { offsets: trace.offsets.slice(0, 16) } : {}),
  fatal: false,
  platform: 'android',
  appVersion: '1.0.0',
  buildNumber: '1',
  timestamp: NOW,
});

/** The slow path: every line read, nothing stopped early, no memo. */
function slow(text: string): Crash {
  const t = parseDartStackTrace(text, { compactFor: APP, keepTop: 5 });
  const frames = t.frames.map((f) => ({ ...f, inApp: isInAppUri(f.uri, APP) }));
  return crashOf(frames, t);
}

describe('TraceCache (searching for in-app lines, stopping once the fingerprint is read)', () => {
  const all = traces();

  it('gives every corpus trace the fingerprint and sample frames of a whole read', () => {
    const cache = new TraceCache(APP, 8);
    let partial = 0;
    for (const text of all) {
      const expected = slow(text);
      const got = cache.read(text);
      const crash = crashOf(got.frames, got);
      expect(fingerprintCrash(crash, 'mara')).toEqual(fingerprintCrash(expected, 'mara'));
      if (got.inAppOnly) {
        partial++;
        // The sample reads such a trace again in full.
        expect(parts(cache.parse(text).frames.slice(0, 5))).toEqual(parts(expected.frames.slice(0, 5)));
      } else {
        expect(parts(got.frames.slice(0, 5))).toEqual(parts(expected.frames.slice(0, 5)));
      }
    }
    expect(partial).toBeGreaterThan(1000);
  });

  it('stops reading a trace only when nothing after can change its fingerprint', () => {
    const app = Array.from({ length: 8 }, (_, i) => `a${i}.js 1:1  A.f${i}`);
    const stopped = parseDartStackTrace(app.join('\n'), { compactFor: ['mara'], enough: 7 });
    expect(stopped.frames.map((f) => f.function)).toEqual(app.slice(0, 7).map((_, i) => `A.f${i}`));
    // An obfuscated frame further down still turns the frames off.
    const obfuscated = parseDartStackTrace(
      [...app, '#09 abs 0000000000001000 virt 0000000000001000'].join('\n'),
      {
        compactFor: ['mara'],
        enough: 7,
      },
    );
    expect(obfuscated.obfuscated).toBe(true);
    // Repeats and the same file in another case are one run: the fingerprint counts them once.
    const repeats = ['package:mara/x/a.dart 1:1  A.f', 'package:mara/y/A.dart 2:2  A.f', ...app].join('\n');
    const read = parseDartStackTrace(repeats, { compactFor: ['mara'], enough: 7 });
    expect(read.frames.map((f) => f.function)).toEqual([
      'A.f',
      'A.f',
      ...app.slice(0, 6).map((_, i) => `A.f${i}`),
    ]);
  });

  it('searches terse traces too, and reads the whole trace where other lines may be in-app', () => {
    const terse = [
      'package:mara/src/cart.dart 12:5  CartService.apply',
      'package:flutter/src/widgets/framework.dart 5333:34  Element.rebuild',
      'package:mara/src/cart_page.dart 40:7  CartPage.tap',
    ];
    expect(inAppFramesByPackage(terse.join('\n'), APP)?.map((f) => f.function)).toEqual([
      'CartService.apply',
      'CartPage.tap',
    ]);
    for (const other of [
      'lib/src/util.dart 3:1  Util.check',
      'packages/mara/src/util.dart 3:1  Util.check',
      'main.dart.js 3:1  Util.check',
      '#3      Util.check (file:///app/lib/util.dart:3:1)',
      '#3 abs 0000000000001000 virt 0000000000001000',
    ]) {
      expect(inAppFramesByPackage([...terse, other].join('\n'), APP)).toBeUndefined();
    }
    // Enough lines to pass MAX_FRAMES frames: only the whole read knows where it stops.
    const deep = [...Array.from({ length: 250 }, (_, i) => `dart:x/a.dart ${i}:1  F${i}`), terse[0]];
    expect(inAppFramesByPackage(deep.join('\n'), APP)).toBeUndefined();
    expect(
      parseDartStackTrace(deep.join('\n'), { compactFor: APP }).frames.map((f) => f.function),
    ).not.toContain('CartService.apply');
  });

  it('keeps two repeated traces that differ only where its sampled hash does not look', () => {
    // 1,000 characters: the hash reads every 32nd from the 15th on, never the second.
    const body = Array.from({ length: 20 }, (_, i) => `#${i} F${i} (package:mara/a${i}.dart:1:1)`).join('\n');
    const a = `${body}\n${'x'.repeat(1000 - body.length - 1)}`;
    const b = `${a[0]}y${a.slice(2)}`;
    expect([a.length, b.length, a === b]).toEqual([1000, 1000, false]);
    const cache = new TraceCache(APP, 8);
    cache.read(a);
    const keptA = cache.read(a);
    cache.read(b);
    const keptB = cache.read(b);
    expect([keptA.shared, keptB.shared]).toEqual([true, true]);
    expect(cache.read(a)).toBe(keptA);
    expect(cache.read(b)).toBe(keptB);
    expect(keptB).not.toBe(keptA);
  });

  it('keeps at most sixteen traces under one sampled hash, and reads the others right', () => {
    // As above: texts that differ only in their second character share the hash (a crafted export).
    const body = Array.from({ length: 20 }, (_, i) => `#${i} F${i} (package:mara/a${i}.dart:1:1)`).join('\n');
    const base = `${body}\n${'x'.repeat(1000 - body.length - 1)}`;
    const texts = [...'abcdefghijklmnopqrstuvwxyz'].map((c) => `${base[0]}${c}${base.slice(2)}`);
    const cache = new TraceCache(APP, 64);
    const second = texts.map((t) => {
      cache.read(t);
      return cache.read(t);
    });
    // A kept trace is answered with the object kept for it; one not kept is read afresh.
    expect(texts.map((t, i) => cache.read(t) === second[i])).toEqual(texts.map((_, i) => i < 16));
    for (const t of texts)
      expect(parts(cache.read(t).frames)).toEqual(parts(new TraceCache(APP, 64).read(t).frames));
  });

  it('answers every kept trace of a bucket with its own object, however often each is read', () => {
    const body = Array.from({ length: 20 }, (_, i) => `#${i} F${i} (package:mara/a${i}.dart:1:1)`).join('\n');
    const base = `${body}\n${'x'.repeat(1000 - body.length - 1)}`;
    const texts = [...'abcdefgh'].map((c) => `${base[0]}${c}${base.slice(2)}`);
    const cache = new TraceCache(APP, 64);
    const kept = texts.map((t) => {
      cache.read(t);
      return cache.read(t);
    });
    // The last ones read most: they move forward in the bucket, past the others.
    for (let round = 0; round < 20; round++)
      for (let i = 0; i < texts.length; i++)
        if (round % (texts.length - i) === 0) expect(cache.read(texts[i] as string)).toBe(kept[i]);
    for (const [i, t] of texts.entries()) expect(cache.read(t)).toBe(kept[i]);
    expect(new Set(kept).size).toBe(texts.length);
  });

  it('rules out the same short traces as the plain pattern of every other in-app location', () => {
    const plain = /file:|:\/\/|lib[/\\]|packages\/|\.m?js|\x20abs\x20|\*\*\* \*\*\*/;
    const part = fc.constantFrom(
      ' ',
      'abs',
      ' abs',
      ':',
      '/',
      '//',
      'file',
      'lib',
      '\\',
      'packages',
      '.',
      'm',
      'js',
      '*** ',
      '***',
      'x',
      '\n',
      '#1 F (package:mara/a.dart:1:1)',
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 16 }), (parts) => {
        const text = `#0 A.f (package:mara/a.dart:1:1)\n${parts.join('')}`;
        expect(inAppFramesByPackage(text, APP) === undefined).toBe(plain.test(text));
      }),
      { numRuns: 5000 },
    );
  });
});
