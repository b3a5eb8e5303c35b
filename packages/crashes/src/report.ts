import * as z from 'zod';
import { isInAppUri, normalizeFunction, packageOf, basename, parseDartStackTrace } from './dart-stack';

/**
 * The crash report the app sends to `POST /api/crashes`, the single source of truth for
 * docs/crash-report.schema.json (generated from it by scripts/gen-crash-schema.ts).
 */
const isoTimestamp = z.iso.datetime({ offset: true });

/**
 * Fields with a known shape are held to it: they are shown in Discord, the summary and the
 * outputs, so a report cannot put a link or personal data there (`appVersion: "99.[re-login](…)"`).
 */
export const VERSION =
  /^(?:unknown|\d{1,9}(?:\.\d{1,9}){0,3}(?:-[0-9A-Za-z][0-9A-Za-z.-]{0,31})?(?:\+[0-9A-Za-z][0-9A-Za-z.-]{0,31})?)$/;
/** A Dart runtime type as `runtimeType` prints it: `StateError`, `_TypeError`, `Foo<int, String?>`. */
export const TYPE_NAME = /^[A-Za-z_$][\w$]{0,127}(?:<[\w$<>, ?]{1,128}>)?$/;
export const BUILD_NUMBER = /^(?:[0-9A-Za-z][0-9A-Za-z.-]{0,31})?$/;
/** `defaultTargetPlatform.name` and `web`, as Flutter spells them or in lower case. */
export const PLATFORMS = ['android', 'ios', 'macos', 'windows', 'linux', 'fuchsia', 'web'] as const;
// Any case, spelled out (`[aA][nN]…`): JSON Schema patterns have no `i` flag, and the published
// schema must accept what this does.
const PLATFORM = new RegExp(
  `^(?:${PLATFORMS.map((p) => [...p].map((c) => `[${c}${c.toUpperCase()}]`).join('')).join('|')})$`,
);
const SOURCES = ['flutter', 'platform', 'zone'] as const;

export const crashReportSchema = z
  .object({
    type: z
      .string()
      .regex(TYPE_NAME, { error: 'must be a Dart type name like StateError' })
      .describe('Runtime type of the error, e.g. `StateError` or `_TypeError`.'),
    message: z.string().describe('`error.toString()` without the type prefix, as thrown.'),
    stackTrace: z
      .string()
      .describe('`StackTrace.toString()` in the Dart VM format (obfuscated traces accepted).'),
    fatal: z.boolean().describe('True when the error ended the session (uncaught, app closed).'),
    source: z
      .enum(SOURCES)
      .describe(
        'Which handler caught it: FlutterError.onError, PlatformDispatcher.onError or runZonedGuarded.',
      ),
    platform: z
      .string()
      .regex(PLATFORM, { error: `must be one of ${PLATFORMS.join(', ')}` })
      .describe('`defaultTargetPlatform.name` or `web`: android, iOS, macOS, windows, linux, fuchsia, web.'),
    appVersion: z
      .string()
      .regex(VERSION, { error: 'must be a version like 1.4.2 or 1.4.2+57' })
      .describe('Version name, e.g. `2.4.1` (`major.minor.patch`, optional `-pre` and `+build`).'),
    buildNumber: z
      .union([z.string().regex(BUILD_NUMBER, { error: 'must be a build number like 88' }), z.number()])
      .describe('Build number, e.g. `88`.'),
    osVersion: z.string().describe('Operating system version, e.g. `Android 14 (API 34)`.'),
    device: z.string().describe('Device model, e.g. `Pixel 8`.'),
    timestamp: isoTimestamp.describe('When it happened, ISO 8601 with a time zone.'),
    userId: z
      .string()
      .optional()
      .describe('A pseudonymous user id: counted, never shown. Do not send e-mail addresses.'),
    library: z.string().optional().describe('FlutterErrorDetails.library, e.g. `widgets library`.'),
    context: z.string().optional().describe('FlutterErrorDetails.context, e.g. `while building Foo`.'),
  })
  .describe('A crash report sent by the Flutter app to POST /api/crashes.');

export type CrashReport = z.infer<typeof crashReportSchema>;

// The schema's own pattern, so the fast check below accepts exactly the timestamps zod accepts.
const TIMESTAMP = isoTimestamp._zod.def.pattern ?? z.regexes.datetime({ offset: true });
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/**
 * The crash report schema's rules as plain checks, for the common case of a valid report: zod's
 * parse copies every report and costs more than JSON.parse on a large export (bench/crash-digest).
 * Anything it does not accept goes through zod, which decides and explains; a unit test keeps the
 * two in agreement.
 */
export function isCrashReport(v: Record<string, unknown>): v is CrashReport {
  return (
    typeof v.type === 'string' &&
    TYPE_NAME.test(v.type) &&
    typeof v.message === 'string' &&
    typeof v.stackTrace === 'string' &&
    typeof v.fatal === 'boolean' &&
    (SOURCES as readonly unknown[]).includes(v.source) &&
    typeof v.platform === 'string' &&
    PLATFORM.test(v.platform) &&
    typeof v.appVersion === 'string' &&
    VERSION.test(v.appVersion) &&
    ((typeof v.buildNumber === 'string' && BUILD_NUMBER.test(v.buildNumber)) ||
      (typeof v.buildNumber === 'number' && Number.isFinite(v.buildNumber))) &&
    typeof v.osVersion === 'string' &&
    typeof v.device === 'string' &&
    typeof v.timestamp === 'string' &&
    TIMESTAMP.test(v.timestamp) &&
    optionalString(v.userId) &&
    optionalString(v.library) &&
    optionalString(v.context)
  );
}

const sentryFrameSchema = z.object({
  function: z.string().optional(),
  abs_path: z.string().optional(),
  filename: z.string().optional(),
  module: z.string().optional(),
  package: z.string().optional(),
  lineno: z.number().optional(),
  colno: z.number().optional(),
  in_app: z.boolean().optional(),
  instruction_addr: z.string().optional(),
});

/** The parts of a Sentry event we use (frames oldest first, REFERENCE §4). */
export const sentryEventSchema = z.object({
  exception: z.object({
    values: z
      .array(
        z.object({
          type: z.string().optional(),
          value: z.string().optional(),
          mechanism: z.object({ type: z.string().optional(), handled: z.boolean().optional() }).optional(),
          stacktrace: z.object({ frames: z.array(sentryFrameSchema).optional() }).nullish(),
        }),
      )
      .min(1),
  }),
  timestamp: z.union([z.number(), z.iso.datetime({ offset: true })]),
  level: z.string().optional(),
  release: z.string().optional(),
  dist: z.string().optional(),
  platform: z.string().optional(),
  user: z.object({ id: z.union([z.string(), z.number()]).optional() }).nullish(),
  contexts: z
    .object({
      os: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
      device: z.object({ model: z.string().optional(), family: z.string().optional() }).optional(),
      app: z.object({ app_version: z.string().optional(), app_build: z.string().optional() }).optional(),
    })
    .optional(),
});

export type SentryEvent = z.infer<typeof sentryEventSchema>;

type Check = (v: Record<string, unknown>) => boolean;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalNumber = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
const optionalBoolean = (v: unknown) => v === undefined || typeof v === 'boolean';
const optionalObject = (v: unknown, check: Check) => v === undefined || (isObject(v) && check(v));
const nullishObject = (v: unknown, check: Check) => v === null || optionalObject(v, check);
/** Like Array.every, but holes count as undefined (as zod sees them). */
const all = (xs: readonly unknown[], check: (x: unknown) => boolean) => {
  for (let i = 0; i < xs.length; i++) if (!check(xs[i])) return false;
  return true;
};

const isSentryFrame = (f: unknown) =>
  isObject(f) &&
  optionalString(f.function) &&
  optionalString(f.abs_path) &&
  optionalString(f.filename) &&
  optionalString(f.module) &&
  optionalString(f.package) &&
  optionalNumber(f.lineno) &&
  optionalNumber(f.colno) &&
  optionalBoolean(f.in_app) &&
  optionalString(f.instruction_addr);

const isSentryException = (x: unknown) =>
  isObject(x) &&
  optionalString(x.type) &&
  optionalString(x.value) &&
  optionalObject(x.mechanism, (m) => optionalString(m.type) && optionalBoolean(m.handled)) &&
  nullishObject(
    x.stacktrace,
    (st) => st.frames === undefined || (Array.isArray(st.frames) && all(st.frames, isSentryFrame)),
  );

/** sentryEventSchema as plain checks, like isCrashReport (same reason, same agreement test). */
export function isSentryEvent(v: Record<string, unknown>): v is SentryEvent {
  const ex = v.exception;
  const ts = v.timestamp;
  return (
    isObject(ex) &&
    Array.isArray(ex.values) &&
    ex.values.length > 0 &&
    all(ex.values, isSentryException) &&
    ((typeof ts === 'number' && Number.isFinite(ts)) || (typeof ts === 'string' && TIMESTAMP.test(ts))) &&
    optionalString(v.level) &&
    optionalString(v.release) &&
    optionalString(v.dist) &&
    optionalString(v.platform) &&
    nullishObject(
      v.user,
      (u) =>
        u.id === undefined || typeof u.id === 'string' || (typeof u.id === 'number' && Number.isFinite(u.id)),
    ) &&
    optionalObject(
      v.contexts,
      (c) =>
        optionalObject(c.os, (o) => optionalString(o.name) && optionalString(o.version)) &&
        optionalObject(c.device, (d) => optionalString(d.model) && optionalString(d.family)) &&
        optionalObject(c.app, (a) => optionalString(a.app_version) && optionalString(a.app_build)),
    )
  );
}

/** One frame, most recent first, in either input format. */
export interface Frame {
  readonly function: string;
  readonly uri: string;
  readonly package: string;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly inApp: boolean;
}

/** A report in either format, reduced to what grouping needs. */
export interface Crash {
  readonly type: string;
  readonly message: string;
  readonly frames: readonly Frame[];
  /** The frames are the trace cache's, shared by every report with the same trace. */
  readonly sharedFrames: boolean;
  readonly obfuscated: boolean;
  readonly fatal: boolean;
  readonly platform: string;
  readonly appVersion: string;
  readonly buildNumber: string;
  readonly timestamp: number;
  readonly userId?: string;
}

export type Normalized = { crash: Crash } | { rejected: string };

/** Messages are cut here before any pattern sees them: nothing longer helps a human or a group. */
export const MAX_MESSAGE = 8192;
/** Exception types are names; anything longer is cut. */
export const MAX_TYPE = 256;

const cap = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

interface ParsedTrace {
  readonly text: string;
  readonly frames: readonly Frame[];
  readonly obfuscated: boolean;
}

/**
 * Parsed traces by their text: the same bug in the same build prints the same trace, so a large
 * export parses each distinct trace once. Bounded, so memory stays flat.
 */
const OBFUSCATED_HEADER = '*** *** ***';
const OBFUSCATED: ParsedTrace = { text: '', frames: [], obfuscated: true };

export class TraceCache {
  // Buckets by length, confirmed with ===: comparing two equal 5 KB strings is a memcmp, while a
  // Map keyed by the text would hash every report's fresh copy of it character by character.
  private readonly byLength = new Map<number, ParsedTrace[]>();
  private size = 0;
  constructor(
    private readonly appPackages: readonly string[],
    private readonly limit = 5_000,
  ) {}

  get(text: string): ParsedTrace {
    const bucket = this.byLength.get(text.length);
    if (bucket) for (const hit of bucket) if (hit.text === text) return hit;
    // Obfuscated traces differ in every report (pid, addresses) and carry no usable frame.
    if (text.includes(OBFUSCATED_HEADER)) return OBFUSCATED;
    const trace = parseDartStackTrace(text);
    const parsed: ParsedTrace = {
      text,
      obfuscated: trace.obfuscated,
      frames: trace.frames.map((f) => {
        const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
          function: f.function,
          uri: f.uri,
          package: f.package,
          file: f.file,
          inApp: isInAppUri(f.uri, this.appPackages),
        };
        if (f.line !== undefined) frame.line = f.line;
        if (f.column !== undefined) frame.column = f.column;
        return frame;
      }),
    };
    // Obfuscated traces differ in every report (pid, addresses): caching them would only churn.
    if (!trace.obfuscated) {
      if (this.size >= this.limit) {
        this.byLength.clear();
        this.size = 0;
      }
      const list = this.byLength.get(text.length);
      if (list) list.push(parsed);
      else this.byLength.set(text.length, [parsed]);
      this.size++;
    }
    return parsed;
  }
}

/** Reads one JSON value as an app report or a Sentry event; anything else is rejected with why. */
export function normalizeReport(
  value: unknown,
  appPackages: readonly string[],
  traces: TraceCache = new TraceCache(appPackages),
): Normalized {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      rejected: `not a JSON object (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`,
    };
  }
  if ('exception' in value) {
    if (isSentryEvent(value as Record<string, unknown>)) return fromSentry(value as SentryEvent, appPackages);
    const parsed = sentryEventSchema.safeParse(value);
    if (!parsed.success) return { rejected: `Sentry event: ${describeIssue(parsed.error)}` };
    return fromSentry(parsed.data, appPackages);
  }
  if (isCrashReport(value as Record<string, unknown>))
    return { crash: fromApp(value as CrashReport, traces) };
  const parsed = crashReportSchema.safeParse(value);
  if (!parsed.success) return { rejected: `crash report: ${describeIssue(parsed.error)}` };
  return { crash: fromApp(parsed.data, traces) };
}

/** A reason that stays the same across reports (no values), so rejections can be counted by it. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map((p) => (typeof p === 'number' ? '[]' : String(p))).join('.') || '(root)';
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `${path} is missing`;
  return `${path}: ${issue.message}`;
}

function fromApp(r: CrashReport, traces: TraceCache): Crash {
  const trace = traces.get(r.stackTrace);
  const crash: Crash = {
    type: cap(r.type, MAX_TYPE),
    message: cap(r.message, MAX_MESSAGE),
    frames: trace.frames,
    sharedFrames: true,
    obfuscated: trace.obfuscated,
    fatal: r.fatal,
    platform: r.platform.toLowerCase(),
    appVersion: r.appVersion,
    buildNumber: String(r.buildNumber),
    timestamp: parseIsoTimestamp(r.timestamp),
    userId: r.userId,
  };
  return crash;
}

function fromSentry(e: SentryEvent, appPackages: readonly string[]): Normalized {
  const values = e.exception.values;
  const last = values[values.length - 1] as (typeof values)[number];
  const raw = last.stacktrace?.frames ?? [];
  const frames: Frame[] = [];
  // Sentry lists frames oldest first; ours are most recent first, like the Dart VM prints them.
  for (let i = raw.length - 1; i >= 0; i--) {
    const f = raw[i] as (typeof raw)[number];
    if (!f.function) continue;
    const uri = f.abs_path ?? f.filename ?? f.module ?? '';
    const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
      function: normalizeFunction(f.function),
      uri,
      package: f.package ?? packageOf(uri),
      file: basename(f.filename ?? uri),
      inApp: f.in_app ?? isInAppUri(uri, appPackages),
    };
    if (f.lineno !== undefined) frame.line = f.lineno;
    if (f.colno !== undefined) frame.column = f.colno;
    frames.push(frame);
  }
  const [version, build] = parseRelease(e.release, e.dist, e.contexts?.app);
  if (last.type !== undefined && !TYPE_NAME.test(last.type))
    return { rejected: 'Sentry event: exception type is not a Dart type name like StateError' };
  if (!VERSION.test(version) || !BUILD_NUMBER.test(build))
    return { rejected: 'Sentry event: release is not package@version+build, like mara@1.4.2+57' };
  const os = (e.contexts?.os?.name ?? '').toLowerCase();
  const userId = e.user?.id;
  const crash: Crash = {
    type: cap(last.type ?? 'Error', MAX_TYPE),
    message: cap(last.value ?? '', MAX_MESSAGE),
    frames,
    sharedFrames: false,
    // Obfuscated Dart events carry instruction addresses and no function names.
    obfuscated: frames.length === 0 && raw.some((f) => f.instruction_addr !== undefined),
    fatal: e.level === 'fatal' || last.mechanism?.handled === false,
    // Sentry's own `platform` names the SDK (`other`, `dart`), not a device: unknown systems are `other`.
    platform: (PLATFORMS as readonly string[]).includes(os) ? os : 'other',
    appVersion: version,
    buildNumber: build,
    timestamp: typeof e.timestamp === 'number' ? e.timestamp * 1000 : parseIsoTimestamp(e.timestamp),
    userId: userId === undefined ? undefined : String(userId),
  };
  return { crash };
}

/** An event without a release: shown, but never compared (it is not newer than anything). */
export const UNKNOWN_VERSION = 'unknown';

/** Sentry's `release` is `package@version+build`; `dist` or contexts.app may carry the build. */
function parseRelease(
  release: string | undefined,
  dist: string | undefined,
  app: { app_version?: string | undefined; app_build?: string | undefined } | undefined,
): [string, string] {
  const m = /^(?:[^@]+@)?([^+]+)(?:\+(.+))?$/.exec(release ?? '');
  const version = m?.[1] ?? app?.app_version ?? UNKNOWN_VERSION;
  const build = m?.[2] ?? dist ?? app?.app_build ?? '';
  return [version, build];
}

/**
 * Milliseconds of a timestamp the schema's pattern already accepted
 * (`YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`): four times cheaper than Date.parse, which a large
 * export calls once per report.
 */
export function parseIsoTimestamp(t: string): number {
  let ms = Date.UTC(
    digits(t, 0, 4),
    digits(t, 5, 7) - 1,
    digits(t, 8, 10),
    digits(t, 11, 13),
    digits(t, 14, 16),
    digits(t, 17, 19),
  );
  let i = 19;
  if (t.charCodeAt(i) === 46 /* . */) {
    let j = i + 1;
    while (j < t.length && t.charCodeAt(j) >= 48 && t.charCodeAt(j) <= 57) j++;
    // Like Date.parse: milliseconds, further digits cut off.
    const end = Math.min(j, i + 4);
    ms += digits(t, i + 1, end) * 10 ** (3 - (end - i - 1));
    i = j;
  }
  const sign = t.charCodeAt(i);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    const offset = (digits(t, i + 1, i + 3) * 60 + digits(t, i + 4, i + 6)) * 60_000;
    ms += sign === 43 ? -offset : offset;
  }
  return ms;
}

function digits(t: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + t.charCodeAt(i) - 48;
  return n;
}
