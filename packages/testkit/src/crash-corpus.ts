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

/**
 * A realistic export, unlike the known-bugs corpus above (which repeats a few traces, so caches make
 * it fast): dozens of distinct bugs, traces of 10–60 frames whose depth differs per report (the
 * widget tree does), async gaps, line numbers that drift between versions, every trace format the
 * digest reads (VM, terse, web V8 and Firefox, obfuscated with per-run addresses, Sentry events with
 * nulls) and personal data in most messages. Deterministic for a seed; one JSON record per line.
 */
export interface RealisticCorpusOptions {
  readonly now: number;
  readonly reports: number;
  readonly seed?: number;
  /** Distinct bugs (crash sites). */
  readonly bugs?: number;
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REAL_VERSIONS: readonly (readonly [string, string])[] = [
  ['2.3.0', '80'],
  ['2.3.1', '82'],
  ['2.4.0', '88'],
  ['2.4.1', '90'],
  ['2.4.2', '93'],
  ['2.5.0', '101'],
];
const FEATURES = [
  'feed',
  'cart',
  'auth',
  'profile',
  'search',
  'checkout',
  'chat',
  'settings',
  'media',
  'sync',
];
const ACTIONS = ['load', 'submit', 'refresh', 'apply', 'open', 'save', 'parse', 'fetch', 'build', 'dispose'];
const FRAMEWORK: readonly (readonly [string, string, number])[] = [
  ['StatelessElement.build', 'package:flutter/src/widgets/framework.dart', 5687],
  ['ComponentElement.performRebuild', 'package:flutter/src/widgets/framework.dart', 5617],
  ['Element.rebuild', 'package:flutter/src/widgets/framework.dart', 5333],
  ['ComponentElement._firstBuild', 'package:flutter/src/widgets/framework.dart', 5599],
  ['ComponentElement.mount', 'package:flutter/src/widgets/framework.dart', 5593],
  ['Element.inflateWidget', 'package:flutter/src/widgets/framework.dart', 4468],
  ['Element.updateChild', 'package:flutter/src/widgets/framework.dart', 3963],
  ['SingleChildRenderObjectElement.mount', 'package:flutter/src/widgets/framework.dart', 6840],
  ['_InkResponseState.handleTap', 'package:flutter/src/material/ink_well.dart', 1170],
  ['GestureRecognizer.invokeCallback', 'package:flutter/src/gestures/recognizer.dart', 351],
  ['TapGestureRecognizer.handleTapUp', 'package:flutter/src/gestures/tap.dart', 656],
  ['RenderFlex.performLayout', 'package:flutter/src/rendering/flex.dart', 1001],
  ['RenderObject.layout', 'package:flutter/src/rendering/object.dart', 2627],
  ['_rootRunUnary', 'dart:async/zone.dart', 1407],
  ['_FutureListener.handleValue', 'dart:async/future_impl.dart', 162],
  ['Future._propagateToListeners', 'dart:async/future_impl.dart', 847],
  ['_Completer.completeError', 'dart:async/future_impl.dart', 59],
  ['Iterable.firstWhere', 'dart:core/iterable.dart', 759],
  ['List.[]', 'dart:core-patch/growable_array.dart', 264],
  ['IOClient.send', 'package:http/src/io_client.dart', 94],
];

interface RealBug {
  readonly type: string;
  readonly fatal: number;
  /** App frames, most recent first: [member, uri, line in the first version]. */
  readonly app: readonly (readonly [string, string, number])[];
  readonly message: (rng: () => number, k: number) => string;
  /** Weight of this bug in the export (a few bugs make most crashes). */
  readonly weight: number;
  /** Oldest version it appears in. */
  readonly since: number;
  /** The framework frames below the app's, deepest last: a report shows a prefix of them. */
  readonly tail: readonly (readonly [string, string, number])[];
}

const REAL_MESSAGES: readonly ((rng: () => number, k: number) => string)[] = [
  () => 'Null check operator used on a null value',
  (r, k) => `Bad state: user ${Math.floor(r() * 1e6)} not found (session ${k.toString(16)}a9f3c21)`,
  (r) => `A RenderFlex overflowed by ${(r() * 200).toFixed(r() < 0.5 ? 0 : 1)} pixels on the right.`,
  (r, k) =>
    `ClientException: Connection closed while receiving data, uri=https://api.mara.app/v2/users/${k}/feed?token=${Math.floor(r() * 1e12).toString(36)}`,
  (r, k) =>
    `FormatException: Unexpected character (at character ${Math.floor(r() * 900)}) for jane.doe${k}@mail.example.com`,
  (r) =>
    `RangeError (index): Invalid value: Not in inclusive range 0..${Math.floor(r() * 40)}: ${Math.floor(r() * 90)}`,
  (r) =>
    `setState() called after dispose(): _FeedPageState#${Math.floor(r() * 0xfffff)
      .toString(16)
      .padStart(5, '0')}(lifecycle state: defunct)`,
  (r, k) =>
    `SocketException: Connection refused (OS Error: Connection refused, errno = 111), address = 10.${k % 250}.${Math.floor(r() * 250)}.7, port = ${40000 + Math.floor(r() * 9000)}`,
  (r, k) =>
    `PlatformException(sign_in_failed, user +49 151 ${1000000 + k} Bearer ${Math.floor(r() * 1e15).toString(36)}, null, null)`,
  (r) => `TimeoutException after 0:00:${10 + Math.floor(r() * 50)}.000000: Future not completed`,
];

function realBugs(count: number, rng: () => number): RealBug[] {
  // One per message template, in the same order.
  const types = [
    '_TypeError',
    'StateError',
    'FlutterError',
    'ClientException',
    'FormatException',
    'RangeError',
    'FlutterError',
    'SocketException',
    'PlatformException',
    'TimeoutException',
  ];
  const bugs: RealBug[] = [];
  for (let b = 0; b < count; b++) {
    const feature = FEATURES[b % FEATURES.length] as string;
    const depth = 3 + Math.floor(rng() * 4);
    const app: [string, string, number][] = [];
    for (let d = 0; d < depth; d++) {
      const f = FEATURES[(b + d * 3) % FEATURES.length] as string;
      const a = ACTIONS[(b * 7 + d) % ACTIONS.length] as string;
      const cls = `${f[0]?.toUpperCase()}${f.slice(1)}${['Repository', 'Service', 'PageState', 'Controller', 'Bloc'][(b + d) % 5]}`;
      const member =
        d === 0 && b % 3 === 0 ? `_${cls}._${a}.<anonymous closure>` : `${cls}.${a}${d % 2 ? '' : `${b}`}`;
      app.push([member, `package:mara/src/${f}/${f}_${a}.dart`, 20 + Math.floor(rng() * 400)]);
    }
    bugs.push({
      type: types[b % types.length] as string,
      fatal: rng() < 0.3 ? 0.8 : 0.05,
      app,
      message: REAL_MESSAGES[b % REAL_MESSAGES.length] as RealBug['message'],
      weight: 1 / (1 + b) ** 0.8 + (feature === 'feed' ? 0.05 : 0),
      since: b % 9 === 0 ? REAL_VERSIONS.length - 1 : Math.floor(rng() * 3),
      tail: Array.from(
        { length: 60 },
        () => FRAMEWORK[Math.floor(rng() * FRAMEWORK.length)] as (typeof FRAMEWORK)[number],
      ),
    });
  }
  return bugs;
}

type RealFormat = 'vm' | 'terse' | 'v8' | 'firefox' | 'obfuscated' | 'sentry';
const FORMAT_WEIGHTS: readonly (readonly [RealFormat, number])[] = [
  ['vm', 0.62],
  ['terse', 0.1],
  ['v8', 0.08],
  ['firefox', 0.03],
  ['obfuscated', 0.1],
  ['sentry', 0.07],
];

export function* realisticCorpusLines(options: RealisticCorpusOptions): Generator<string> {
  const rng = prng(options.seed ?? 12);
  const bugs = realBugs(options.bugs ?? 60, rng);
  const total = bugs.reduce((s, b) => s + b.weight, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const b of bugs) cumulative.push((acc += b.weight / total));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)] as T;
  for (let k = 0; k < options.reports; k++) {
    const u = rng();
    let bi = 0;
    while (bi < cumulative.length - 1 && (cumulative[bi] as number) < u) bi++;
    const bug = bugs[bi] as RealBug;
    const vi = bug.since + Math.floor(rng() * (REAL_VERSIONS.length - bug.since));
    const [version, build] = REAL_VERSIONS[vi] as readonly [string, string];
    // Eight days of history, the newest versions mostly recent.
    const ageDays = (1 - vi / REAL_VERSIONS.length) * 6 * rng() + rng() * 2;
    const timestamp = new Date(options.now - ageDays * DAY - 60_000).toISOString();
    let f = rng();
    let format: RealFormat = 'vm';
    for (const [name, w] of FORMAT_WEIGHTS) {
      if ((f -= w) < 0) {
        format = name;
        break;
      }
    }
    // The widget tree below the app's frames differs per report: 7–56 framework frames, mostly
    // few (10–60 frames in all).
    const below = 7 + Math.floor(rng() ** 10 * 50);
    const frames: [string, string, number, number][] = bug.app.map(([m, uri, line], d) => [
      m,
      uri,
      line + vi * (3 + d),
      1 + ((line * 7 + d) % 40),
    ]);
    for (const [m, uri, line] of bug.tail.slice(0, below)) frames.push([m, uri, line, 1 + (line % 50)]);
    const message = bug.message(rng, k);
    const fatal = rng() < bug.fatal;
    const user = `u-${Math.floor(rng() ** 2 * 40_000)}`;
    if (format === 'sentry') {
      yield JSON.stringify({
        event_id: (k * 2654435761).toString(16).padStart(32, '0').slice(-32),
        timestamp,
        platform: 'other',
        level: fatal ? 'fatal' : null,
        release: `mara@${version}+${build}`,
        dist: null,
        environment: 'production',
        user: { id: user, email: null },
        contexts: { os: { name: rng() < 0.6 ? 'Android' : 'iOS', version: null }, device: { model: null } },
        exception: {
          values: [
            {
              type: bug.type,
              value: message,
              module: null,
              mechanism: { type: 'FlutterError', handled: fatal ? false : null },
              stacktrace: {
                frames: frames
                  .map(([m, uri, line, col]) => ({
                    function: m,
                    module: null,
                    abs_path: uri,
                    filename: uri.slice(uri.lastIndexOf('/') + 1),
                    package: null,
                    lineno: line,
                    colno: col,
                    in_app: uri.startsWith('package:mara/') ? true : null,
                  }))
                  .reverse(),
              },
            },
          ],
        },
      });
      continue;
    }
    yield JSON.stringify({
      type: bug.type,
      message,
      stackTrace: traceText(format, frames, rng, bi, vi),
      fatal,
      source: pick(['flutter', 'platform', 'zone'] as const),
      platform: format === 'v8' || format === 'firefox' ? 'web' : rng() < 0.6 ? 'android' : 'iOS',
      appVersion: version,
      buildNumber: build,
      osVersion:
        rng() < 0.5
          ? `Android ${12 + Math.floor(rng() * 3)} (API ${31 + Math.floor(rng() * 4)})`
          : `iOS 17.${Math.floor(rng() * 6)}`,
      device: pick(['Pixel 8', 'SM-S918B', 'iPhone15,2', 'iPhone14,7', 'moto g54', 'Chrome 131']),
      timestamp,
      userId: user,
      ...(rng() < 0.3 ? { library: 'widgets library', context: 'while building FeedPage' } : {}),
    });
  }
}

function traceText(
  format: RealFormat,
  frames: readonly (readonly [string, string, number, number])[],
  rng: () => number,
  bug: number,
  version: number,
): string {
  const lines: string[] = [];
  if (format === 'obfuscated') {
    lines.push(
      '*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
      `pid: ${1000 + Math.floor(rng() * 30000)}, tid: ${1000 + Math.floor(rng() * 30000)}, name 1.ui`,
      `build_id: '${(0x9e3779b1 * (version + 1)).toString(16).padStart(8, '0')}a6b3d2e1c1a9bd5e8d7f0011'`,
      `isolate_dso_base: 7b1c4f2000, vm_dso_base: 7b1c4f2000`,
    );
    // Addresses change with every run (ASLR); offsets are fixed for a function in a build.
    const base = 0x7b1c4f2000 + Math.floor(rng() * 0xffff) * 0x1000;
    frames.forEach(([member, uri, line], i) => {
      let h = version * 0x9e37 + line;
      for (let c = 0; c < member.length; c++) h = (Math.imul(h, 31) + member.charCodeAt(c)) >>> 0;
      for (let c = 0; c < uri.length; c++) h = (Math.imul(h, 31) + uri.charCodeAt(c)) >>> 0;
      const virt = 0x100000 + (h & 0xfffff);
      lines.push(
        `    #${String(i).padStart(2, '0')} abs ${(base + virt).toString(16).padStart(16, '0')} virt ${virt.toString(16).padStart(16, '0')} _kDartIsolateSnapshotInstructions+0x${virt.toString(16)}`,
      );
    });
    return lines.join('\n');
  }
  frames.forEach(([member, uri, line, col], i) => {
    const gap = i > 0 && i < 5 && rng() < 0.25;
    if (format === 'vm') {
      if (gap) lines.push('<asynchronous suspension>');
      lines.push(`#${String(i).padEnd(6)} ${member} (${uri}:${line}:${col})`);
    } else if (format === 'terse') {
      if (gap) lines.push('===== asynchronous gap ===========================');
      lines.push(`${uri} ${line}:${col}  ${member.replace('<anonymous closure>', '<fn>')}`);
    } else {
      // dart2js: one script, minified names that are stable for a build, positions per build.
      const name = `A.${member.replace(/[^A-Za-z0-9_$]/g, '_')}`;
      const url = `https://app.mara.dev/main.dart.js`;
      lines.push(
        format === 'v8'
          ? `    at ${name} (${url}:${line * 13 + version}:${col * 7})`
          : `${name}@${url}:${line * 13 + version}:${col * 7}`,
      );
    }
  });
  if (format === 'v8') lines.unshift(`Error`);
  return lines.join('\n');
}
