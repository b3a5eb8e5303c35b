import { describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrashGroup } from '@sre-toolkit/crashes';
import { runAction } from '@sre-toolkit/testkit';
import { crashReport, digestSandbox } from './fixtures';

const box = digestSandbox('crash-formats', { discord: false });

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const report = (stackTrace: string, extra: Record<string, unknown>) =>
  crashReport({ message: 'Bad state: No element', stackTrace, fatal: false, timestamp: at(30), ...extra });

const terse = (line: number) =>
  `packages/mara/src/cart/cart_service.dart ${line}:5  [applyCoupon]<asynchronous suspension>\npackages/flutter/src/material/ink_well.dart 1170:21  handleTap`;
const web = (line: number, top: string) =>
  `Error\n    at ${top} (https://app.mara.dev/main.dart.js:${line}:17)\n    at A.Feed_load (https://app.mara.dev/main.dart.js:${line + 900}:3)`;
const firefox = (line: number) =>
  `A.Cart_apply@https://app.mara.dev/main.dart.js:${line}:17\nA.Feed_load@https://app.mara.dev/main.dart.js:${line + 900}:3`;
const obfuscated = (abs: string, virt: string) =>
  [
    '*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
    "build_id: 'c8da4f3b7ae1a6b3d2e1c1a9bd5e8d7f'",
    `    #00 abs ${abs} virt ${virt} _kDartIsolateSnapshotInstructions+0x${virt.replace(/^0+/, '')}`,
    '    #01 abs 000000723d5f0e3b virt 000000000019ee3b _kDartIsolateSnapshotInstructions+0x19ee3b',
  ].join('\n');
const nullCheck = { type: '_TypeError', message: 'Null check operator used on a null value', fatal: true };

const sentryNulls = {
  timestamp: at(20),
  level: null,
  release: 'mara@2.4.0+88',
  dist: null,
  user: { id: null },
  contexts: { os: { name: 'Android', version: null } },
  exception: {
    values: [
      {
        type: 'StateError',
        value: 'Bad state: No element',
        mechanism: { type: 'FlutterError', handled: null },
        stacktrace: {
          frames: [
            {
              function: 'CartService.applyCoupon',
              abs_path: 'package:mara/src/cart/cart_service.dart',
              module: null,
              lineno: 54,
              colno: null,
              in_app: null,
            },
            {
              function: 'Iterable.firstWhere',
              abs_path: 'dart:core/iterable.dart',
              module: null,
              lineno: 759,
              colno: null,
              in_app: false,
            },
          ].reverse(),
        },
      },
    ],
  },
};

describe('crash-digest bundle on every trace format', () => {
  it('reads terse, web, obfuscated and Sentry-with-null records and groups each by its site', async () => {
    const records = [
      report(terse(54), {}),
      report(terse(61), { appVersion: '2.4.1' }),
      report(web(4131, 'A.Cart_apply'), { platform: 'web' }),
      report(web(5020, 'A.Cart_apply'), { platform: 'web', appVersion: '2.4.1' }),
      report(firefox(4131), { platform: 'web' }),
      report(web(4131, 'A.Profile_load'), { platform: 'web' }),
      report(obfuscated('000000723d6346d7', '00000000001e26d7'), nullCheck),
      report(obfuscated('0000007a11112222', '00000000001e26d7'), nullCheck),
      report(obfuscated('000000723d6346d7', '0000000000250b11'), nullCheck),
      sentryNulls,
    ];
    writeFileSync(join(box.dir, 'mixed.ndjson'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const digestFile = join(box.dir, 'digest.json');
    const run = await runAction('crash-digest', {
      inputs: { source: 'mixed.ndjson', 'app-package': 'mara', 'digest-file': digestFile },
      env: { GITHUB_WORKSPACE: box.dir },
    });
    expect(run.exitCode).toBe(0);
    const digest = JSON.parse(readFileSync(digestFile, 'utf8')) as {
      totals: Record<string, number>;
      groups: CrashGroup[];
    };
    expect(digest.totals.rejected).toBe(0);
    expect(digest.totals.reports).toBe(10);
    const shape = digest.groups
      .map((g) => [g.basis, g.culprit, g.count])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(shape).toEqual([
      // Terse web debug frames (lines 54 and 61): one group. DDC names members its own way
      // (`[applyCoupon]`), so the VM-named Sentry event is a group of its own.
      ['frames', 'cart_service.dart in [applyCoupon]', 2],
      ['frames', 'cart_service.dart in CartService.applyCoupon', 1],
      // V8 (two releases) and Firefox: one site, positions do not count.
      ['frames', 'main.dart.js in A.Cart_apply', 3],
      ['frames', 'main.dart.js in A.Profile_load', 1],
      // Obfuscated: one site across runs, another site apart, though type and message are equal.
      ['addresses', 'virt:1e26d7 (build c8da4f3b)', 2],
      ['addresses', 'virt:250b11 (build c8da4f3b)', 1],
    ]);
  });
});
