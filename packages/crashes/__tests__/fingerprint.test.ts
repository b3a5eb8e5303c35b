import { describe, expect, it } from '@jest/globals';
import { fingerprintCrash, groupTitle } from '../src/fingerprint';
import { normalizeReport, type Crash } from '../src/normalize';

const base = {
  type: 'StateError',
  message: 'Bad state: No element',
  fatal: false,
  source: 'flutter',
  platform: 'android',
  appVersion: '2.4.0',
  buildNumber: '88',
  osVersion: 'Android 14',
  device: 'Pixel 8',
  timestamp: '2026-11-27T10:00:00Z',
};

const crash = (stackTrace: string, extra: Record<string, unknown> = {}): Crash => {
  const r = normalizeReport({ ...base, stackTrace, ...extra }, ['mara']);
  if ('rejected' in r) throw new Error(r.rejected);
  return r.crash;
};
const fp = (stackTrace: string, extra: Record<string, unknown> = {}) =>
  fingerprintCrash(crash(stackTrace, extra), 'mara');

const cartV23 = `#0      Iterable.firstWhere (dart:core/iterable.dart:759:5)
#1      CartService.applyCoupon (package:mara/src/cart/cart_service.dart:54:32)
#2      _CartPageState._onApply.<anonymous closure> (package:mara/src/cart/cart_page.dart:120:14)
#3      _InkResponseState.handleTap (package:flutter/src/material/ink_well.dart:1170:21)`;
// 2.4.0: code moved, lines and columns changed, the SDK frame too.
const cartV24 = `#0      Iterable.firstWhere (dart:core/iterable.dart:801:7)
#1      CartService.applyCoupon (package:mara/src/cart/cart_service.dart:61:9)
<asynchronous suspension>
#2      _CartPageState._onApply.<anonymous closure> (package:mara/src/cart/cart_page.dart:131:3)
#3      _InkResponseState.handleTap (package:flutter/src/material/ink_well.dart:1183:21)`;
const profile = `#0      Iterable.firstWhere (dart:core/iterable.dart:759:5)
#1      ProfileRepository.primaryAddress (package:mara/src/profile/profile_repository.dart:77:20)
#2      _ProfilePageState.build (package:mara/src/profile/profile_page.dart:45:31)`;

describe('fingerprintCrash (fp:v2)', () => {
  it('keeps one bug one group across app versions: lines, columns and gaps do not count', () => {
    const a = fp(cartV23);
    const b = fp(cartV24, { appVersion: '2.4.1', message: 'Bad state: No element' });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).toMatch(/^fp:v2:[0-9a-f]{16}$/);
    expect(a.components).toEqual([
      'mara/cart_service.dart CartService.applyCoupon',
      'mara/cart_page.dart _CartPageState._onApply.<fn>',
    ]);
    expect(a.culprit).toBe('cart_service.dart in CartService.applyCoupon');
    expect(a.basis).toBe('frames');
  });

  it('splits look-alike bugs: same type and message in different app code are two groups', () => {
    expect(fp(cartV23).fingerprint).not.toBe(fp(profile).fingerprint);
  });

  it('splits the same frames under a different exception type', () => {
    expect(fp(cartV23).fingerprint).not.toBe(fp(cartV23, { type: 'RangeError' }).fingerprint);
  });

  it('ignores dart:, flutter and other packages: only in-app frames change it', () => {
    const withOtherFrames = cartV23.replace(
      '#0      Iterable.firstWhere (dart:core/iterable.dart:759:5)',
      '#0      IOClient.send (package:http/src/io_client.dart:96:7)\n#0      ListMixin.firstWhere (dart:collection/list.dart:167:5)',
    );
    expect(fp(withOtherFrames).fingerprint).toBe(fp(cartV23).fingerprint);
  });

  it('counts consecutive identical frames (recursion) once, whatever the depth', () => {
    const rec = (depth: number) =>
      [
        ...Array.from(
          { length: depth },
          (_, i) => `#${i}      TreeNode.depth (package:mara/src/tree.dart:31:${i ? 30 : 12})`,
        ),
        `#${depth}      CategoryTree.build (package:mara/src/category_tree.dart:58:9)`,
      ].join('\n');
    expect(fp(rec(3)).fingerprint).toBe(fp(rec(500)).fingerprint);
    expect(fp(rec(3)).components).toEqual([
      'mara/tree.dart TreeNode.depth',
      'mara/category_tree.dart CategoryTree.build',
    ]);
  });

  it('uses at most 7 in-app frames', () => {
    const frames = (n: number) =>
      Array.from({ length: n }, (_, i) => `#${i}      F${i}.call (package:mara/src/f${i}.dart:1:1)`).join(
        '\n',
      );
    expect(fp(frames(7)).fingerprint).toBe(fp(frames(12)).fingerprint);
    expect(fp(frames(6)).fingerprint).not.toBe(fp(frames(7)).fingerprint);
  });

  it('treats file:…/lib/ frames like package frames of the app', () => {
    const fileUri = cartV23
      .replace(
        'package:mara/src/cart/cart_service.dart',
        'file:///home/ci/mara/lib/src/cart/cart_service.dart',
      )
      .replace('package:mara/src/cart/cart_page.dart', 'file:///home/ci/mara/lib/src/cart/cart_page.dart');
    expect(fp(fileUri).fingerprint).toBe(fp(cartV23).fingerprint);
  });

  it('falls back to type + parameterized message without in-app frames', () => {
    const a = fp('#0      List.[] (dart:core-patch/growable_array.dart:264:36)', {
      message: 'index 7 for user 42',
    });
    const b = fp('', { message: 'index 9 for user 1001' });
    expect(a.basis).toBe('message');
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.components).toEqual(['index <num> for user <num>']);
    expect(a.culprit).toBe('');
  });

  it('groups obfuscated traces by build and frame offsets: runs (abs) differ, crash sites split', () => {
    // The format of `flutter build --obfuscate --split-debug-info` (Flutter docs, "Obfuscating
    // Dart code"): abs changes with every run (ASLR), virt is the offset inside this build.
    const obf = (abs: string, virts: string[], build = 'c8da4f3b7ae1a6b3d2e1c1a9bd5e8d7f') =>
      fp(
        [
          '*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
          'pid: 19394, tid: 19412, name 1.ui',
          `build_id: '${build}'`,
          'isolate_dso_base: 723d452000, vm_dso_base: 723d452000',
          ...virts.map(
            (v, k) =>
              `    #0${k} abs ${abs}${k} virt ${v} _kDartIsolateSnapshotInstructions+0x${v.replace(/^0+/, '')}`,
          ),
        ].join('\n'),
        { type: '_TypeError', message: 'Null check operator used on a null value' },
      );
    const siteA = ['00000000001e26d7', '000000000019ee3b'];
    const siteB = ['0000000000250b11', '000000000019ee3b'];
    const a1 = obf('000000723d6346d', siteA);
    expect(a1.basis).toBe('addresses');
    expect(a1.components).toEqual(['build c8da4f3b7ae1a6b3d2e1c1a9bd5e8d7f', 'virt:1e26d7', 'virt:19ee3b']);
    expect(a1.culprit).toBe('virt:1e26d7 (build c8da4f3b)');
    expect(obf('0000007a1111111', siteA).fingerprint).toBe(a1.fingerprint);
    expect(obf('000000723d6346d', siteB).fingerprint).not.toBe(a1.fingerprint);
    expect(obf('000000723d6346d', siteA, 'ffff4f3b7ae1a6b3d2e1c1a9bd5e8d7f').fingerprint).not.toBe(
      a1.fingerprint,
    );
  });

  it('reads the offset from the symbol when an older engine prints no virt', () => {
    const old = (abs: string) =>
      fp(
        `*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n#00 abs ${abs} _kDartIsolateSnapshotInstructions+0x1e26d7`,
        {
          type: 'FormatException',
          message: 'Invalid radix-10 number (at character 1)',
        },
      );
    expect(old('000000723d6346d7').components).toEqual([
      'build unknown',
      '_kDartIsolateSnapshotInstructions:1e26d7',
    ]);
    expect(old('000000723d6346d7').fingerprint).toBe(old('0000007a11111111').fingerprint);
  });

  it('titles a group with its type and parameterized message', () => {
    expect(groupTitle(crash('', { message: 'user 42 not found at  10:00' }))).toBe(
      'StateError: user <num> not found at <time>',
    );
    expect(groupTitle(crash('', { message: '' }))).toBe('StateError');
  });
});
