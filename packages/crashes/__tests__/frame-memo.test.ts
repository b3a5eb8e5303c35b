import { describe, expect, it } from '@jest/globals';
import { sampleCorpusTraces } from '@sre-toolkit/testkit';
import { parseDartStackTrace, type DartFrame } from '../src/dart-stack';
import { inAppFramesByPackage } from '../src/in-app-frames';
import { FrameLineMemo } from '../src/frame-memo';

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
});
