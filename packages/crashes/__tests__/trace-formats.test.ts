import { describe, expect, it } from '@jest/globals';
import { isInAppUri, MAX_FRAME_LINE, parseDartStackTrace } from '../src/dart-stack';
import { fingerprintCrash } from '../src/fingerprint';
import { normalizeReport, type Crash } from '../src/normalize';
import { parameterize } from '../src/parameterize';
import { realisticCorpusLines } from '@sre-toolkit/testkit';

// Cases written from the formats' definitions: package:stack_trace's Frame grammars
// (parseVM, parseV8, parseFirefox/Safari, parseFriendly) and what Flutter prints (its
// stack_frame_test fixtures, web debug builds, issues' pasted traces). Names are our own.

const frames = (text: string) =>
  parseDartStackTrace(text).frames.map((f) => [f.uri, f.line, f.column, f.function]);

describe('terse / friendly frames (Frame.parseFriendly)', () => {
  it('reads a URI location with line, column and member', () => {
    expect(frames('https://mara.dev/lib/feed.dart 10:11  Foo.<fn>.bar')).toEqual([
      ['https://mara.dev/lib/feed.dart', 10, 11, 'Foo.<fn>.bar'],
    ]);
  });

  it('reads a location without column and without position', () => {
    expect(
      frames('https://mara.dev/lib/feed.dart 10  Foo.<fn>.bar\nhttps://mara.dev/lib/feed.dart  Foo.baz'),
    ).toEqual([
      ['https://mara.dev/lib/feed.dart', 10, undefined, 'Foo.<fn>.bar'],
      ['https://mara.dev/lib/feed.dart', undefined, undefined, 'Foo.baz'],
    ]);
  });

  it('reads relative paths, data URIs and Windows paths', () => {
    expect(
      frames(
        [
          'foo/bar.dart 42:21                 Foo._bar',
          'data:... 10:11  Foo._bar',
          'C:\\src\\mara\\lib\\main.dart 12:5  main',
          '\\\\build-host\\share\\lib\\feed.dart 3:1  Feed.load',
        ].join('\n'),
      ),
    ).toEqual([
      ['foo/bar.dart', 42, 21, 'Foo._bar'],
      ['data:...', 10, 11, 'Foo._bar'],
      ['C:\\src\\mara\\lib\\main.dart', 12, 5, 'main'],
      ['\\\\build-host\\share\\lib\\feed.dart', 3, 1, 'Feed.load'],
    ]);
    const win = parseDartStackTrace('C:\\src\\mara\\lib\\main.dart 12:5  main').frames[0];
    expect([win?.file, win && isInAppUri(win.uri, ['mara'])]).toEqual(['main.dart', true]);
  });

  it('reads a Flutter web debug (DDC) trace: packages/ and dart-sdk/ paths', () => {
    const t = parseDartStackTrace(
      [
        'dart-sdk/lib/_internal/js_dev_runtime/private/ddc_runtime/errors.dart 296:3       throw_',
        'packages/mara/src/feed/feed_page.dart 88:7                                          [_load]',
        'packages/flutter/src/widgets/framework.dart 4787:5                                  [_firstBuild]',
        'dart-sdk/lib/async/zone.dart 1450:47                                                _rootRunUnary',
      ].join('\n'),
    );
    expect(t.frames.map((f) => [f.package, f.file, f.function, isInAppUri(f.uri, ['mara'])])).toEqual([
      ['', 'errors.dart', 'throw_', false],
      ['mara', 'feed_page.dart', '[_load]', true],
      ['flutter', 'framework.dart', '[_firstBuild]', false],
      ['', 'zone.dart', '_rootRunUnary', false],
    ]);
  });

  it('reads a position without a member as a frame with line and column and no function', () => {
    expect(frames('packages/mara/src/feed/feed_page.dart 507:11')).toEqual([
      ['packages/mara/src/feed/feed_page.dart', 507, 11, ''],
    ]);
  });

  it('takes no frame from prose, quoted assertions or a member starting with a digit', () => {
    expect(
      frames(
        [
          'The following assertion was thrown building FeedPage(dirty):',
          "'package:flutter/src/widgets/framework.dart': Failed assertion: line 4567 pos 12: '_lifecycleState != _ElementLifecycle.defunct': is not true.",
          'Another exception was thrown: A RenderFlex overflowed by 85 pixels on the right.',
          'foo/bar.dart 10:11x  Foo',
          'https://docs.flutter.dev/testing/errors',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});

describe('web traces (dart2js / DDC in the browser)', () => {
  it('reads V8 frames: member, anonymous, [as …], async, native and eval', () => {
    expect(
      frames(
        [
          'Error: Null check operator used on a null value',
          '    at Object.wrapException (https://app.mara.dev/main.dart.js:4131:17)',
          '    at https://app.mara.dev/main.dart.js:60021:23',
          '    at VW.call$0 [as call] (https://app.mara.dev/main.dart.js:560:28)',
          '    at async Feed.load (https://app.mara.dev/main.dart.js:77:3)',
          '    at Object.stringify (native)',
          '    at VW.call$0 (eval at Foo (https://app.mara.dev/main.dart.js:560:28), <anonymous>:3:28)',
          '    at new Cart (https://app.mara.dev/main.dart.js:9:1)',
        ].join('\n'),
      ),
    ).toEqual([
      ['https://app.mara.dev/main.dart.js', 4131, 17, 'Object.wrapException'],
      ['https://app.mara.dev/main.dart.js', 60021, 23, '<fn>'],
      ['https://app.mara.dev/main.dart.js', 560, 28, 'VW.call$0'],
      ['https://app.mara.dev/main.dart.js', 77, 3, 'Feed.load'],
      ['native', undefined, undefined, 'Object.stringify'],
      ['https://app.mara.dev/main.dart.js', 560, 28, 'VW.call$0'],
      ['https://app.mara.dev/main.dart.js', 9, 1, 'Cart'],
    ]);
  });

  it('reads Firefox and Safari frames, with nested closures and unknown positions', () => {
    expect(
      frames(
        [
          'A.aB@https://app.mara.dev/main.dart.js:1:2345',
          '.VW.call$0/name<@https://app.mara.dev/main.dart.js:560',
          '@https://app.mara.dev/main.dart.js:3:40',
          'foo$bar@https://app.mara.dev/main.dart.js::11',
          'foo$bar@https://app.mara.dev/main.dart.js:10:',
          'https://app.mara.dev/main.dart.js:7:9',
        ].join('\n'),
      ),
    ).toEqual([
      ['https://app.mara.dev/main.dart.js', 1, 2345, 'A.aB'],
      ['https://app.mara.dev/main.dart.js', 560, undefined, 'VW.call$0.<fn>'],
      ['https://app.mara.dev/main.dart.js', 3, 40, '<fn>'],
      ['https://app.mara.dev/main.dart.js', undefined, 11, 'foo$bar'],
      ['https://app.mara.dev/main.dart.js', 10, undefined, 'foo$bar'],
      ['https://app.mara.dev/main.dart.js', 7, 9, '<fn>'],
    ]);
  });

  it("counts the app's compiled script as in-app, never the engine's or the browser's", () => {
    expect(
      [
        'https://app.mara.dev/main.dart.js',
        'https://app.mara.dev/canvaskit/canvaskit.js',
        'http://localhost:5000/dart_sdk.js',
        'http://localhost:5000/packages/mara/src/feed/feed_page.dart.lib.js',
        'http://localhost:5000/packages/provider/src/provider.dart.lib.js',
        'chrome-extension://abc/content.js',
        'native',
      ].map((u) => isInAppUri(u, ['mara'])),
    ).toEqual([true, false, false, true, false, false, false]);
  });

  it('reads a 150 KB minified frame line as one frame, its member cut', () => {
    const member = 'A.'.padEnd(150 * 1024, 'x');
    const t = parseDartStackTrace(`    at ${member} (https://app.mara.dev/main.dart.js:1:99)`);
    expect(t.frames.map((f) => [f.file, f.line, f.column, f.function.length])).toEqual([
      ['main.dart.js', 1, 99, 1024],
    ]);
    expect(150 * 1024).toBeLessThan(MAX_FRAME_LINE);
  });
});

describe('async gaps', () => {
  it('marks the frame after a gap glued to the end of a frame line', () => {
    const t = parseDartStackTrace(
      [
        'package:mara/src/a.dart 42:21  Foo.bar<asynchronous suspension>',
        'package:mara/src/b.dart 7:3    Baz.qux===== asynchronous gap ===========================',
        '#2      Main.run (package:mara/main.dart:3:5)<asynchronous suspension>',
        '#3      main (package:mara/main.dart:9:1)',
      ].join('\n'),
    );
    expect(t.frames.map((f) => [f.function, f.afterAsyncGap])).toEqual([
      ['Foo.bar', false],
      ['Baz.qux', true],
      ['Main.run', true],
      ['main', true],
    ]);
    expect(t.asyncGaps).toBe(3);
  });

  it('normalizes <<anonymous closure>_async_body> to <async>', () => {
    expect(frames('#0      Feed.load.<<anonymous closure>_async_body> (package:mara/feed.dart:3:5)')).toEqual(
      [['package:mara/feed.dart', 3, 5, 'Feed.load.<async>']],
    );
  });
});

const report = {
  type: 'StateError',
  message: 'Bad state: No element',
  fatal: true,
  source: 'zone',
  platform: 'web',
  appVersion: '2.4.0',
  buildNumber: '88',
  osVersion: 'Chrome 131',
  device: 'browser',
  timestamp: '2026-11-27T10:00:00Z',
};
const crash = (stackTrace: string, extra: Record<string, unknown> = {}): Crash => {
  const r = normalizeReport({ ...report, stackTrace, ...extra }, ['mara']);
  if ('rejected' in r) throw new Error(r.rejected);
  return r.crash;
};
const fp = (stackTrace: string, extra: Record<string, unknown> = {}) =>
  fingerprintCrash(crash(stackTrace, extra), 'mara');

describe('grouping the formats', () => {
  it('groups a web release trace by its frames, not its positions, and separates other sites', () => {
    const v8 = (line: number, top: string) =>
      `Error\n    at ${top} (https://app.mara.dev/main.dart.js:${line}:17)\n    at A.Feed_load (https://app.mara.dev/main.dart.js:${line + 900}:3)`;
    const a = fp(v8(4131, 'A.Cart_apply'));
    expect(a.basis).toBe('frames');
    expect(a.components).toEqual(['mara/main.dart.js A.Cart_apply', 'mara/main.dart.js A.Feed_load']);
    expect(fp(v8(5020, 'A.Cart_apply')).fingerprint).toBe(a.fingerprint);
    expect(fp(v8(4131, 'A.Profile_load')).fingerprint).not.toBe(a.fingerprint);
  });

  it('groups terse traces across releases where lines drift, by package and function', () => {
    const terse = (l: number) =>
      `packages/mara/src/cart/cart_service.dart ${l}:5  [applyCoupon]\npackages/flutter/src/material/ink_well.dart 1170:21  handleTap`;
    expect(fp(terse(54)).fingerprint).toBe(fp(terse(61)).fingerprint);
    expect(fp(terse(54)).components).toEqual(['mara/cart_service.dart [applyCoupon]']);
  });
});

describe('Flutter messages', () => {
  it('parameterizes identity hashes and decimal measurements like numbers', () => {
    expect(parameterize('A RenderFlex overflowed by 85 pixels on the right.')).toBe(
      parameterize('A RenderFlex overflowed by 3.3 pixels on the right.'),
    );
    expect(parameterize('A RenderFlex overflowed by 3.3 pixels on the right.')).toBe(
      'A RenderFlex overflowed by <num> pixels on the right.',
    );
    expect(parameterize('RenderFlex#e028a relayoutBoundary=up2 NEEDS-PAINT')).toBe(
      'RenderFlex#<id> relayoutBoundary=up<num> NEEDS-PAINT',
    );
    expect(parameterize("'_lifecycleState != _ElementLifecycle#848d9.defunct'")).toBe(
      "'_lifecycleState != _ElementLifecycle#<id>.defunct'",
    );
    expect(parameterize('BoxConstraints(0.0<=w<=411.4, 0.0<=h<=Infinity)')).toBe(
      'BoxConstraints(<num><=w<=<num>, <num><=h<=Infinity)',
    );
    // Not a hash: an issue number, a word.
    expect(parameterize('see #12345 and #faced')).toBe('see #<num> and #faced');
  });
});

// Shaped like Sentry's own serialization (sentry-dart's toJson and events downloaded from Sentry):
// absent values written as null, an older SDK's bare exception list, a release that is a SHA.
describe('Sentry events as Sentry serializes them', () => {
  const frame = (fn: string | null, path: string) => ({
    function: fn,
    module: null,
    abs_path: path,
    filename: null,
    package: null,
    lineno: 54,
    colno: null,
    in_app: null,
    instruction_addr: null,
  });
  const event = {
    event_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    timestamp: '2026-11-27T10:00:00.000Z',
    platform: 'other',
    level: null,
    release: 'mara@2.4.0+88',
    dist: null,
    environment: null,
    user: { id: null, ip_address: '{{auto}}' },
    contexts: { os: { name: 'Android', version: null }, device: { model: null }, app: { app_version: null } },
    exception: {
      values: [
        {
          type: 'StateError',
          value: 'Bad state: No element',
          module: null,
          mechanism: { type: 'FlutterError', handled: null, data: null },
          stacktrace: {
            frames: [
              frame('main', 'package:mara/main.dart'),
              frame('CartService.applyCoupon', 'package:mara/src/cart/cart_service.dart'),
              frame(null, 'dart:core/iterable.dart'),
            ],
          },
        },
      ],
    },
  };

  it('accepts nulls as absent values and reads the frames', () => {
    const r = normalizeReport(event, ['mara']);
    if ('rejected' in r) throw new Error(r.rejected);
    expect(r.crash.frames.map((f) => [f.function, f.file, f.line, f.column, f.inApp])).toEqual([
      ['', 'iterable.dart', 54, undefined, false],
      ['CartService.applyCoupon', 'cart_service.dart', 54, undefined, true],
      ['main', 'main.dart', 54, undefined, true],
    ]);
    expect([r.crash.platform, r.crash.appVersion, r.crash.userId, r.crash.fatal]).toEqual([
      'android',
      '2.4.0',
      undefined,
      false,
    ]);
  });

  it('accepts a bare exception list, a release that is no version, and a dotted JVM type', () => {
    const r = normalizeReport(
      {
        ...event,
        release: '3f2c1a9e',
        contexts: { app: { app_version: '2.4.1', app_build: '90' } },
        exception: [{ ...event.exception.values[0], type: 'java.lang.IllegalStateException' }],
      },
      ['mara'],
    );
    if ('rejected' in r) throw new Error(r.rejected);
    expect([r.crash.type, r.crash.appVersion, r.crash.buildNumber, r.crash.frames.length]).toEqual([
      'java.lang.IllegalStateException',
      '2.4.1',
      '90',
      3,
    ]);
  });

  it('still rejects a type carrying markup, and says why', () => {
    const bad = { ...event, exception: { values: [{ type: '[x](https://evil.example)', value: 'v' }] } };
    expect(normalizeReport(bad, ['mara'])).toEqual({
      rejected: 'Sentry event: exception type is not a type name like StateError',
    });
  });
});

describe('reading only the in-app frames of a VM trace', () => {
  it('fingerprints every report of a realistic export as reading the whole trace does', () => {
    let compared = 0;
    let fast = 0;
    for (const line of realisticCorpusLines({ now: Date.parse('2026-11-27T10:00:00Z'), reports: 3000 })) {
      const r = normalizeReport(JSON.parse(line), ['mara']);
      if ('rejected' in r) throw new Error(r.rejected);
      if (r.crash.trace !== undefined) fast++;
      const text = (JSON.parse(line) as { stackTrace?: string }).stackTrace;
      if (text === undefined) continue;
      const whole = parseDartStackTrace(text).frames.map((f) => ({
        function: f.function,
        uri: f.uri,
        package: f.package,
        file: f.file,
        inApp: isInAppUri(f.uri, ['mara']),
      }));
      const expected = fingerprintCrash({ ...r.crash, frames: whole }, 'mara');
      expect(fingerprintCrash(r.crash, 'mara')).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(2500);
    expect(fast).toBeGreaterThan(1500);
  });
});
