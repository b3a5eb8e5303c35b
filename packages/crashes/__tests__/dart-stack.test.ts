import { describe, expect, it } from '@jest/globals';
import { isInAppUri, normalizeFunction, parseDartStackTrace } from '../src/dart-stack';

// From a Flutter 3.24 app on Android (names changed), as printed by FlutterError.dumpErrorToConsole.
const ASYNC_TRACE = `#0      AuthRepository.signIn (package:mara/src/auth/auth_repository.dart:64:27)
<asynchronous suspension>
#1      _LoginPageState._submit (package:mara/src/auth/login_page.dart:87:7)
<asynchronous suspension>
#2      _LoginPageState.build.<anonymous closure> (package:mara/src/auth/login_page.dart:142)
`;

describe('parseDartStackTrace', () => {
  it('reads member, URI, line and column of sync frames', () => {
    const t = parseDartStackTrace(
      '#0      Iterable.firstWhere (dart:core/iterable.dart:759:5)\n#1      CartService.applyCoupon (package:mara/src/cart/cart_service.dart:54:32)',
    );
    expect(t.frames).toEqual([
      {
        member: 'Iterable.firstWhere',
        function: 'Iterable.firstWhere',
        uri: 'dart:core/iterable.dart',
        package: '',
        file: 'iterable.dart',
        line: 759,
        column: 5,
        afterAsyncGap: false,
      },
      {
        member: 'CartService.applyCoupon',
        function: 'CartService.applyCoupon',
        uri: 'package:mara/src/cart/cart_service.dart',
        package: 'mara',
        file: 'cart_service.dart',
        line: 54,
        column: 32,
        afterAsyncGap: false,
      },
    ]);
    expect(t.obfuscated).toBe(false);
  });

  it('marks the frame after each <asynchronous suspension> and counts the gaps', () => {
    const t = parseDartStackTrace(ASYNC_TRACE);
    expect(t.frames.map((f) => [f.function, f.afterAsyncGap])).toEqual([
      ['AuthRepository.signIn', false],
      ['_LoginPageState._submit', true],
      ['_LoginPageState.build.<fn>', true],
    ]);
    expect(t.asyncGaps).toBe(2);
  });

  it('reads frames without a column and without a line', () => {
    const t = parseDartStackTrace(
      '#0      main (file:///home/dev/mara/lib/main.dart:12)\n#1      _startIsolate (dart:isolate-patch/isolate_patch.dart)',
    );
    expect(t.frames.map((f) => [f.uri, f.file, f.line, f.column])).toEqual([
      ['file:///home/dev/mara/lib/main.dart', 'main.dart', 12, undefined],
      ['dart:isolate-patch/isolate_patch.dart', 'isolate_patch.dart', undefined, undefined],
    ]);
  });

  it('normalizes closures and async bodies, and counts folded "..." lines', () => {
    const t = parseDartStackTrace(
      [
        '#0      FeedList.build.<anonymous closure>.<anonymous closure> (package:mara/src/feed/feed_list.dart:40:42)',
        '#1      _FeedPageState._load.<_load_async_body> (package:mara/src/feed/feed_page.dart:12:3)',
        '...',
        '...     Normal element mounting (24 frames)',
        '#4      new Foo (package:mara/src/foo.dart:1:1)',
      ].join('\n'),
    );
    expect(t.frames.map((f) => f.function)).toEqual([
      'FeedList.build.<fn>.<fn>',
      '_FeedPageState._load.<async>',
      'Foo',
    ]);
    expect(t.folded).toBe(2);
  });

  it('recognizes an obfuscated trace: no frames, but its build id and frame offsets', () => {
    const t = parseDartStackTrace(
      [
        'Warning: This VM has been configured to produce stack traces that violate the Dart standard.',
        '*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
        'pid: 19394, tid: 19412, name 1.ui',
        "build_id: 'c8da4f3b7ae1a6b3d2e1c1a9bd5e8d7f'",
        '#00 abs 000000723d6346d7 virt 00000000001e26d7 _kDartIsolateSnapshotInstructions+0x1e26d7',
        '#01 abs 000000723d5f0e3b virt 000000000019ee3b _kDartIsolateSnapshotInstructions+0x19ee3b',
      ].join('\n'),
    );
    expect(t).toEqual({
      frames: [],
      obfuscated: true,
      asyncGaps: 0,
      folded: 0,
      buildId: 'c8da4f3b7ae1a6b3d2e1c1a9bd5e8d7f',
      offsets: ['virt:1e26d7', 'virt:19ee3b'],
    });
  });

  it('reads package:stack_trace terse frames and its asynchronous gap line', () => {
    const t = parseDartStackTrace(
      'package:mara/src/a.dart 42:21  Foo.bar\n===== asynchronous gap ===========================\ndart:async  _Completer.completeError',
    );
    expect(t.frames.map((f) => [f.uri, f.line, f.column, f.function, f.afterAsyncGap])).toEqual([
      ['package:mara/src/a.dart', 42, 21, 'Foo.bar', false],
      ['dart:async', undefined, undefined, '_Completer.completeError', true],
    ]);
  });

  it('ignores prose around the trace and CRLF line ends', () => {
    const t = parseDartStackTrace(
      'The following error was thrown:\r\n#0      main (package:mara/main.dart:3:5)\r\n',
    );
    expect(t.frames.map((f) => f.function)).toEqual(['main']);
  });
});

describe('isInAppUri', () => {
  it.each([
    ['package:mara/src/a.dart', true],
    ['package:flutter/src/widgets/framework.dart', false],
    ['package:http/src/io_client.dart', false],
    ['dart:core/iterable.dart', false],
    ['org-dartlang-sdk:///sdk/lib/core/iterable.dart', false],
    ['file:///home/dev/mara/lib/main.dart', true],
    ['file:///home/dev/.pub-cache/hosted/pub.dev/http-1.2.0/lib/src/client.dart', false],
    ['file:///home/dev/mara/test/widget_test.dart', false],
  ])('%s → %s', (uri, expected) => {
    expect(isInAppUri(uri, ['mara'])).toBe(expected);
  });
});

describe('normalizeFunction', () => {
  it('keeps the member path and replaces only what varies between builds', () => {
    expect(normalizeFunction('_Foo.<anonymous closure>')).toBe('_Foo.<fn>');
    expect(normalizeFunction('<Foo.bar_async_body>')).toBe('<async>');
  });
});
