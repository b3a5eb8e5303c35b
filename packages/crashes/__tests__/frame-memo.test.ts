import { describe, expect, it } from '@jest/globals';
import { sampleCorpusTraces } from '@sre-toolkit/testkit';
import { parseDartStackTrace, type DartFrame } from '../src/dart-stack';
import { inAppFramesByPackage } from '../src/in-app-frames';
import { FrameLineMemo } from '../src/frame-memo';
import { readFrame } from '../src/frame-lines';
import fc from 'fast-check';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const APP = ['mara'];

/** A frame's parts alone, so frames from the memo (which also carry `inApp`) compare with fresh ones. */
const parts = (frames: readonly DartFrame[]) =>
  frames.map((f) => [f.member, f.function, f.uri, f.package, f.file, f.line, f.column, f.afterAsyncGap]);

const traces = (): string[] => sampleCorpusTraces(NOW);

describe('FrameLineMemo', () => {
  const all = traces();

  it('reads every corpus trace exactly as a parse without it, shared across traces', () => {
    // A small limit, so the memo also starts over many times on the way.
    const memo = new FrameLineMemo(APP, 64);
    let compared = 0;
    for (const text of all) {
      const options = { compactFor: APP, keepTop: 5 };
      const plain = parseDartStackTrace(text, options);
      const memoized = parseDartStackTrace(text, { ...options, memo });
      expect(parts(memoized.frames)).toEqual(parts(plain.frames));
      expect({ ...memoized, frames: [] }).toEqual({ ...plain, frames: [] });
      const byPackage = inAppFramesByPackage(text, APP);
      const byPackageMemo = inAppFramesByPackage(text, APP, memo);
      expect(byPackageMemo && parts(byPackageMemo)).toEqual(byPackage && parts(byPackage));
      compared++;
    }
    expect(compared).toBeGreaterThan(2500);
  });

  it('reads a VM line the same whatever its frame number and padding, and shares its frame', () => {
    const memo = new FrameLineMemo(APP);
    const a = memo.read('#3      CartService.apply (package:mara/src/cart.dart:12:5)');
    const b = memo.read('#12  CartService.apply (package:mara/src/cart.dart:12:5)');
    expect(a?.raw).toEqual(['CartService.apply', 'package:mara/src/cart.dart', '12', '5']);
    expect(b).toBe(a);
    expect(a?.inApp).toBe(true);
    expect(a?.frame(false)).toBe(b?.frame(false));
    expect(a?.frame(true).afterAsyncGap).toBe(true);
    expect(a?.frame(false).afterAsyncGap).toBe(false);
  });

  it('says null for prose and leaves unusual or long lines to the caller', () => {
    const memo = new FrameLineMemo(APP);
    expect(memo.read('pid: 4711, tid: 4712, name 1.ui')).toBeNull();
    expect(memo.read('#1\u00a0Foo.bar (package:mara/a.dart:1:2)')).toBeUndefined();
    expect(memo.read(`#1 Foo.bar (package:mara/${'a'.repeat(600)}.dart:1:2)`)).toBeUndefined();
  });

  it('reads the in-app lines of a trace once, whatever framework frames follow them', () => {
    const memo = new FrameLineMemo(APP);
    const app = [
      '#0      CartService.apply (package:mara/src/cart.dart:12:5)',
      '<asynchronous suspension>',
      '#1      CartPage.tap (package:mara/src/cart_page.dart:40:7)',
    ];
    const a = [...app, '#2      Element.rebuild (package:flutter/src/widgets/framework.dart:5333:34)'].join(
      '\n',
    );
    const b = [
      ...app,
      '#2      _rootRunUnary (dart:async/zone.dart:1407:47)',
      '#3      List.[] (dart:core)',
    ].join('\n');
    const first = inAppFramesByPackage(a, APP, memo);
    const second = inAppFramesByPackage(b, APP, memo);
    expect(second && parts(second)).toEqual(parts(inAppFramesByPackage(b, APP) ?? []));
    expect(second?.map((f) => f.function)).toEqual(['CartService.apply', 'CartPage.tap']);
    // The same lines: the memo's array, not read again.
    expect(second).toBe(first);
    expect(memo.isKept(second ?? [])).toBe(true);
    // A different line in between is a different region.
    const c = a.replace(
      '<asynchronous suspension>',
      '#1      CartService.check (package:mara/src/cart.dart:20:3)',
    );
    expect(inAppFramesByPackage(c, APP, memo)?.map((f) => f.function)).toEqual([
      'CartService.apply',
      'CartService.check',
      'CartPage.tap',
    ]);
  });

  it('says null without a lookup for label prose, and only where readFrame finds no frame', () => {
    const memo = new FrameLineMemo(APP);
    for (const line of [
      'pid: 1083, tid: 12230, name 1.ui',
      'isolate_dso_base: 7b1c4f2000, vm_dso_base: 7b1c4f2000',
      'os: android arch: arm64 comp: yes sim: no',
    ])
      expect([line, memo.read(line)]).toEqual([line, null]);
    // A first word that is a location, an `@`, or no blank at all: read as before.
    expect(memo.read('file: 1:2  Foo.bar')).toBeNull();
    expect(memo.read('main.dart.js: 1:2  Foo.bar')).toBeNull();
    expect(memo.read('bar@https://a.dev/main.dart.js:1:2')?.raw).toEqual([
      'bar',
      'https://a.dev/main.dart.js',
      '1',
      '2',
    ]);
    const part = fc.constantFrom(
      'pid:',
      'file:',
      ':',
      ' ',
      '\t',
      '@',
      'https://a.dev/main.dart.js:1:2',
      'package:mara/a.dart',
      ' 12:3 ',
      'Foo.bar',
      'at ',
      'x',
      '\u00a0',
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 8 }), (parts) => {
        const line = parts.join('').trim();
        fc.pre(line.length > 0 && !line.startsWith('#'));
        const read = new FrameLineMemo(APP).read(line);
        expect(read === null).toBe(readFrame(line) === undefined);
        if (read) expect(read.raw).toEqual(readFrame(line));
      }),
      { numRuns: 5000 },
    );
  });
});
