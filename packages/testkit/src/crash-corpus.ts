import { FIXTURE_MARKER } from './fixture-marker';

/**
 * A deterministic corpus of crash reports from known bugs, for tests, the benchmark and demos.
 * Each bug has a known outcome (group, counts, new / regressed / spike) and several carry personal
 * data in their messages, so tests can prove none of it leaves the runner.
 */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface CorpusOptions {
  /** The digest's "now", ms since the epoch. */
  readonly now: number;
  readonly windowMs?: number;
  /** Multiplies every count (users too), e.g. 1200 for a 200,000-report benchmark file. */
  readonly scale?: number;
  /** Include the three malformed records. */
  readonly invalid?: boolean;
}

export interface ExpectedGroup {
  readonly bug: string;
  readonly type: string;
  /** Events inside the window. */
  readonly count: number;
  readonly history: number;
  readonly fatal: number;
  readonly users: number;
  readonly versions: string[];
  readonly new: boolean;
  readonly regressed: boolean;
  readonly spike: boolean;
}

interface Bug {
  readonly id: string;
  readonly type: string;
  readonly fatal: boolean;
  readonly format: 'app' | 'sentry';
  readonly source: 'flutter' | 'platform' | 'zone';
  readonly window: number;
  readonly users: number;
  readonly history: number;
  /** History spread between these ages, in windows before now. */
  readonly historyAges: readonly [number, number];
  readonly windowVersions: readonly (readonly [string, string])[];
  readonly historyVersions: readonly (readonly [string, string])[];
  readonly expect: { readonly new: boolean; readonly regressed: boolean; readonly spike: boolean };
  message(k: number): string;
  trace(version: string, k: number): string;
}

const V22: [string, string] = ['2.2.0', '70'];
const V23: [string, string] = ['2.3.0', '80'];
const V24: [string, string] = ['2.4.0', '88'];

const flutterTap = [
  '#3      _InkResponseState.handleTap (package:flutter/src/material/ink_well.dart:1170:21)',
  '#4      GestureRecognizer.invokeCallback (package:flutter/src/gestures/recognizer.dart:351:24)',
  '#5      TapGestureRecognizer.handleTapUp (package:flutter/src/gestures/tap.dart:656:11)',
].join('\n');

/** The personal data in the http bug's k-th message; the e-mail's domain is the fixture marker. */
export function corpusSecrets(k: number): { email: string; token: string; ip: string; jwt: string } {
  return {
    email: `jane.doe${k}@${FIXTURE_MARKER}.example.com`,
    token: `sk_live_${(k * 7919).toString(36)}Q9x${k}`,
    ip: `10.20.${k % 250}.${(k * 7) % 250}`,
    jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1${k}In0.c2lnbmF0dXJl${k}`,
  };
}

export const CORPUS_BUGS: readonly Bug[] = [
  {
    id: 'login-null-check',
    type: '_TypeError',
    fatal: false,
    format: 'app',
    source: 'flutter',
    window: 40,
    users: 25,
    history: 200,
    historyAges: [6, 1.05],
    windowVersions: [V24, V23],
    historyVersions: [V23],
    expect: { new: false, regressed: false, spike: false },
    message: () => 'Null check operator used on a null value',
    // Lines move between 2.3.0 and 2.4.0: still one group.
    trace: (v) =>
      [
        `#0      AuthRepository.signIn (package:mara/src/auth/auth_repository.dart:${v === '2.4.0' ? 71 : 64}:27)`,
        '<asynchronous suspension>',
        `#1      _LoginPageState._submit (package:mara/src/auth/login_page.dart:${v === '2.4.0' ? 91 : 87}:7)`,
        '<asynchronous suspension>',
      ].join('\n'),
  },
  {
    id: 'cart-no-element',
    type: 'StateError',
    fatal: true,
    format: 'app',
    source: 'zone',
    window: 12,
    users: 9,
    history: 0,
    historyAges: [0, 0],
    windowVersions: [V24],
    historyVersions: [],
    expect: { new: true, regressed: false, spike: false },
    message: () => 'Bad state: No element',
    trace: () =>
      [
        '#0      Iterable.firstWhere (dart:core/iterable.dart:759:5)',
        '#1      CartService.applyCoupon (package:mara/src/cart/cart_service.dart:54:32)',
        '#2      _CartPageState._onApply.<anonymous closure> (package:mara/src/cart/cart_page.dart:120:14)',
        flutterTap,
      ].join('\n'),
  },
  {
    // Same type and message as cart-no-element, different code: a different bug.
    id: 'profile-no-element',
    type: 'StateError',
    fatal: false,
    format: 'app',
    source: 'flutter',
    window: 8,
    users: 8,
    history: 30,
    historyAges: [5, 1.1],
    windowVersions: [V24],
    historyVersions: [V23],
    expect: { new: false, regressed: false, spike: false },
    message: () => 'Bad state: No element',
    trace: () =>
      [
        '#0      Iterable.firstWhere (dart:core/iterable.dart:759:5)',
        '#1      ProfileRepository.primaryAddress (package:mara/src/profile/profile_repository.dart:77:20)',
        '#2      _ProfilePageState.build (package:mara/src/profile/profile_page.dart:45:31)',
        '#3      StatefulElement.build (package:flutter/src/widgets/framework.dart:5592:27)',
        '...',
      ].join('\n'),
  },
  {
    id: 'api-unauthorized',
    type: 'ClientException',
    fatal: false,
    format: 'app',
    source: 'platform',
    window: 60,
    users: 30,
    history: 10,
    historyAges: [5, 1.2],
    windowVersions: [V24],
    historyVersions: [V23],
    expect: { new: false, regressed: false, spike: true },
    message: (k) => {
      const s = corpusSecrets(k);
      return `Request to https://api.mara.app/v1/me?access_token=${s.token} failed for ${s.email} from ${s.ip}: 401 (Authorization: Bearer ${s.jwt})`;
    },
    trace: () =>
      [
        '#0      IOClient.send (package:http/src/io_client.dart:96:7)',
        '<asynchronous suspension>',
        '#1      BaseClient._sendUnstreamed (package:http/src/base_client.dart:93:32)',
        '<asynchronous suspension>',
        '#2      ApiClient._send (package:mara/src/api/api_client.dart:142:22)',
        '<asynchronous suspension>',
        '#3      UserRepository.me (package:mara/src/api/user_repository.dart:31:18)',
        '<asynchronous suspension>',
      ].join('\n'),
  },
  {
    id: 'obfuscated-format',
    type: 'FormatException',
    fatal: false,
    format: 'app',
    source: 'zone',
    window: 15,
    users: 15,
    history: 50,
    historyAges: [5, 1.1],
    windowVersions: [V24],
    historyVersions: [V24],
    expect: { new: false, regressed: false, spike: false },
    message: (k) => `Invalid radix-10 number (at character ${(k % 9) + 1})`,
    trace: (_v, k) =>
      [
        'Warning: This VM has been configured to produce stack traces that violate the Dart standard.',
        '*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
        `pid: ${19000 + k}, tid: ${19100 + k}, name 1.ui`,
        "build_id: 'c8da4f3b7ae1a6b3d2e1c1a9bd5e8d7f'",
        'isolate_dso_base: 7239d2e000, vm_dso_base: 7239d2e000',
        `#00 abs 000000723d6346d7 virt 00000000001e26d7 _kDartIsolateSnapshotInstructions+0x1e26d7`,
        `#01 abs 000000723d5f0e3b virt 000000000019ee3b _kDartIsolateSnapshotInstructions+0x19ee3b`,
      ].join('\n'),
  },
  {
    id: 'feed-range-regression',
    type: 'RangeError',
    fatal: false,
    format: 'app',
    source: 'flutter',
    window: 11,
    users: 11,
    history: 20,
    historyAges: [6, 4],
    windowVersions: [V24],
    historyVersions: [V22],
    expect: { new: false, regressed: true, spike: false },
    message: (k) => `RangeError (index): Invalid value: Not in inclusive range 0..4: ${5 + (k % 3)}`,
    trace: () =>
      [
        '#0      List.[] (dart:core-patch/growable_array.dart:264:36)',
        '#1      FeedController.itemAt (package:mara/src/feed/feed_controller.dart:88:19)',
        '#2      FeedList.build.<anonymous closure> (package:mara/src/feed/feed_list.dart:40:42)',
        '#3      SliverChildBuilderDelegate.build (package:flutter/src/widgets/scroll_delegate.dart:497:22)',
      ].join('\n'),
  },
  {
    id: 'sync-socket-sentry',
    type: 'SocketException',
    fatal: false,
    format: 'sentry',
    source: 'zone',
    window: 25,
    users: 20,
    history: 100,
    historyAges: [5, 1.1],
    windowVersions: [V24],
    historyVersions: [V23],
    expect: { new: false, regressed: false, spike: false },
    message: (k) =>
      `Connection refused (OS Error: Connection refused, errno = 111), address = 192.168.${k % 200}.20, port = ${40000 + k}`,
    trace: () => '',
  },
  {
    id: 'catalog-recursion',
    type: 'StackOverflowError',
    fatal: true,
    format: 'app',
    source: 'zone',
    window: 5,
    users: 5,
    history: 5,
    historyAges: [4, 1.5],
    windowVersions: [V24],
    historyVersions: [V23],
    expect: { new: false, regressed: false, spike: false },
    message: () => 'Stack Overflow',
    trace: () =>
      [
        ...Array.from(
          { length: 60 },
          (_, i) => `#${i}      TreeNode.depth (package:mara/src/catalog/tree.dart:31:${i ? 30 : 12})`,
        ),
        '#60     CategoryTree.build (package:mara/src/catalog/category_tree.dart:58:9)',
        '#61     StatelessElement.build (package:flutter/src/widgets/framework.dart:5550:49)',
      ].join('\n'),
  },
];

export const CORPUS_INVALID_LINES: readonly string[] = [
  '{"type": "StateError", "message": "truncated',
  JSON.stringify({ message: 'no type', stackTrace: '', fatal: false }),
  JSON.stringify({
    type: 'Oops',
    message: 'bad source',
    stackTrace: '',
    fatal: false,
    source: 'isolate',
    platform: 'android',
    appVersion: '2.4.0',
    buildNumber: '88',
    osVersion: 'Android 14',
    device: 'Pixel 8',
    timestamp: '2026-11-27T10:00:00Z',
  }),
];

const PLATFORMS = ['android', 'iOS'] as const;

/** The corpus as JSON texts (one report each), bug by bug; malformed ones last. */
export function* crashCorpusLines(options: CorpusOptions): Generator<string> {
  const windowMs = options.windowMs ?? DAY;
  const scale = options.scale ?? 1;
  for (const bug of CORPUS_BUGS) {
    const users = bug.users * scale;
    for (let k = 0; k < bug.window * scale; k++) {
      // Spread over the window, away from its edges so a slow test never moves one across.
      const t = options.now - windowMs * 0.05 - ((k * 0.9) / (bug.window * scale)) * windowMs;
      const [version, build] = bug.windowVersions[k % bug.windowVersions.length] as readonly [string, string];
      yield report(bug, k, t, version, build, `user-${bug.id}-${k % users}`);
    }
    const [oldest, newest] = bug.historyAges;
    for (let k = 0; k < bug.history * scale; k++) {
      const age = oldest + ((newest - oldest) * k) / Math.max(1, bug.history * scale - 1);
      const t = options.now - age * windowMs;
      const [version, build] = bug.historyVersions[k % bug.historyVersions.length] as readonly [
        string,
        string,
      ];
      yield report(bug, 100_000 + k, t, version, build, `user-${bug.id}-old-${k % users}`);
    }
  }
  if (options.invalid ?? true) yield* CORPUS_INVALID_LINES;
}

function report(bug: Bug, k: number, t: number, version: string, build: string, userId: string): string {
  const platform = PLATFORMS[k % 2] as string;
  if (bug.format === 'sentry')
    return JSON.stringify(sentryEvent(bug, k, t, version, build, userId, platform));
  return JSON.stringify({
    type: bug.type,
    message: bug.message(k),
    stackTrace: bug.trace(version, k),
    fatal: bug.fatal,
    source: bug.source,
    platform,
    appVersion: version,
    buildNumber: build,
    osVersion: platform === 'android' ? 'Android 14 (API 34)' : 'iOS 18.1',
    device: platform === 'android' ? 'Pixel 8' : 'iPhone15,2',
    timestamp: new Date(t).toISOString(),
    userId,
    ...(bug.source === 'flutter' ? { library: 'widgets library', context: 'while handling a gesture' } : {}),
  });
}

function sentryEvent(
  bug: Bug,
  k: number,
  t: number,
  version: string,
  build: string,
  userId: string,
  os: string,
) {
  return {
    event_id: `${(k + 1).toString(16).padStart(32, '0')}`,
    timestamp: t / 1000,
    platform: 'other',
    level: bug.fatal ? 'fatal' : 'error',
    release: `mara@${version}+${build}`,
    environment: 'production',
    user: { id: userId },
    contexts: { os: { name: os, version: '14' }, device: { model: 'Pixel 8' } },
    exception: {
      values: [
        {
          type: bug.type,
          value: bug.message(k),
          mechanism: { type: 'runZonedGuarded', handled: !bug.fatal },
          stacktrace: {
            // Oldest first, as Sentry stores them.
            frames: [
              {
                function: 'main',
                abs_path: 'package:mara/main.dart',
                filename: 'main.dart',
                package: 'mara',
                lineno: 20,
                in_app: true,
              },
              {
                function: 'SyncScheduler.tick',
                abs_path: 'package:mara/src/sync/sync_scheduler.dart',
                filename: 'sync_scheduler.dart',
                package: 'mara',
                lineno: 44 + (version === '2.4.0' ? 3 : 0),
                colno: 9,
                in_app: true,
              },
              {
                function: 'SyncWorker.run.<anonymous closure>',
                abs_path: 'file:///Users/jane/dev/mara/lib/src/sync/sync_worker.dart',
                filename: 'sync_worker.dart',
                lineno: 71,
                colno: 15,
                in_app: true,
              },
              {
                function: '_NativeSocket.startConnect',
                abs_path: 'dart:io-patch/socket_patch.dart',
                filename: 'socket_patch.dart',
                lineno: 729,
                in_app: false,
              },
            ],
          },
        },
      ],
    },
  };
}

/** What grouping the corpus must yield, per bug (computed from the same counts). */
export function corpusExpectations(options: CorpusOptions): ExpectedGroup[] {
  const scale = options.scale ?? 1;
  return CORPUS_BUGS.map((bug) => ({
    bug: bug.id,
    type: bug.type,
    count: bug.window * scale,
    history: bug.history * scale,
    fatal: bug.fatal ? bug.window * scale : 0,
    users: Math.min(bug.users * scale, bug.window * scale),
    versions: [...new Set(bug.windowVersions.map(([v]) => v))],
    new: bug.expect.new,
    regressed: bug.expect.regressed,
    spike: bug.expect.spike,
  }));
}

/** Every e-mail, token, IP, user path and user id the corpus holds: none may leave the runner. */
export function corpusPersonalData(options: CorpusOptions): string[] {
  const scale = options.scale ?? 1;
  const out = new Set<string>(['/Users/jane', 'jane/dev']);
  const api = CORPUS_BUGS.find((b) => b.id === 'api-unauthorized') as Bug;
  for (const k of [
    ...Array(api.window * scale).keys(),
    ...Array.from({ length: api.history * scale }, (_, i) => 100_000 + i),
  ]) {
    const s = corpusSecrets(k);
    out.add(s.email).add(s.token).add(s.ip).add(s.jwt);
  }
  const sync = CORPUS_BUGS.find((b) => b.id === 'sync-socket-sentry') as Bug;
  for (let k = 0; k < sync.window * scale; k++) out.add(`192.168.${k % 200}.20`);
  for (const bug of CORPUS_BUGS) {
    for (let u = 0; u < bug.users * scale; u++) out.add(`user-${bug.id}-${u}`);
  }
  return [...out];
}
