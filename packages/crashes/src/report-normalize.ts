import {
  basename,
  isInAppUri,
  normalizeFunction,
  packageOf,
  parseDartStackTrace,
  type DartFrame,
} from './dart-stack';
import type { CrashReport } from './crash-report-schema';
import { inAppFramesByPackage } from './in-app-frames';
import { BUILD_NUMBER, isCrashReport, PLATFORMS, TYPE_NAME, VERSION } from './report-checks';
import { FrameLineMemo, type MemoFrame } from './frame-memo';
import { asSentryShape, isSentryEvent, isSentryEventWithNulls } from './sentry-checks';
import type { SentryEvent } from './sentry-event-schema';

import { parseIsoTimestamp } from './timestamps';
import { sampledHash } from './trace-hash';

export { asSentryShape, parseIsoTimestamp };

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
  /**
   * When `frames` holds only the in-app frames (inAppFramesByPackage): the trace, read again in
   * full only if this report becomes a group's sample.
   */
  readonly trace?: string;
  readonly obfuscated: boolean;
  /** Obfuscated traces: the build and where its top frames are in it (see DartTrace.offsets). */
  readonly buildId?: string;
  readonly offsets?: readonly string[];
  readonly fatal: boolean;
  readonly platform: string;
  readonly appVersion: string;
  readonly buildNumber: string;
  readonly timestamp: number;
  readonly userId?: string;
}

export type Normalized = { crash: Crash } | { rejected: string };

/**
 * App reports keep their top frames (a group's sample shows 5) and their in-app frames; the rest
 * of a trace is read and dropped.
 */
export const SAMPLE_FRAMES = 5;

/** In-app frames a fingerprint reads at most (fingerprint.ts): a trace is read no further. */
export const MAX_FINGERPRINT_FRAMES = 7;
/** Obfuscated traces: how many top frames' offsets make the fingerprint (a trace keeps no more). */
export const MAX_FINGERPRINT_OFFSETS = 5;

/** Messages are cut here before any pattern sees them: nothing longer helps a human or a group. */
export const MAX_MESSAGE = 8192;
/** Exception types are names; anything longer is cut. */
export const MAX_TYPE = 256;

const cap = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

interface ParsedTrace {
  readonly frames: readonly Frame[];
  readonly obfuscated: boolean;
  readonly buildId?: string;
  readonly offsets?: readonly string[];
  /** `frames` holds only the in-app frames (inAppFramesByPackage): the sample reads the trace again. */
  readonly inAppOnly?: boolean;
  /** Held by the cache: every report with this trace gets the same frames array. */
  readonly shared?: boolean;
}

interface CachedTrace {
  readonly text: string;
  readonly parsed: ParsedTrace;
}

/**
 * Parsed traces by their text: the same bug in the same build prints the same trace, so a large
 * export parses each distinct trace once. Bounded, so memory stays flat.
 *
 * A trace is kept only the second time it is seen (by a hash sampled from its text): on a varied
 * export most traces occur once, and keeping each of those until the cache fills only fed the
 * garbage collector's old space (peak RSS grew with the input). The hash decides admission
 * alone; a hit is always the same text (confirmed with ===), so a collision costs a parse, never
 * a wrong frame.
 */
export class TraceCache {
  // Buckets by a hash sampled from the text (sampledHash: its length and ~32 characters),
  // confirmed with ===: comparing two equal strings is a memcmp, while a Map keyed by the text
  // hashes every report's fresh copy of it in full. Traces that differ only where the hash does
  // not look (an async gap moved) share a bucket.
  private readonly byHash = new Map<number, CachedTrace[]>();
  private size = 0;
  /** Hashes of traces seen once (numbers: no text is kept for them). */
  private readonly seen = new Set<number>();
  private missesWhenFull = 0;
  /** Distinct frame lines, read once, their frames shared (frame-memo.ts). */
  private readonly lines: FrameLineMemo;
  constructor(
    private readonly appPackages: readonly string[],
    private readonly limit = 512,
    /** Top frames every trace keeps (a group's sample); past them, only in-app frames. */
    readonly keepTop = SAMPLE_FRAMES,
  ) {
    this.lines = new FrameLineMemo(appPackages);
  }

  /** What grouping needs of a trace: its in-app frames when they can be found by search, else a full read. */
  read(text: string): ParsedTrace {
    const h = sampledHash(text);
    let bucket = this.byHash.get(h);
    if (bucket) for (const hit of bucket) if (hit.text === text) return hit.parsed;
    const parsed = this.inAppOnly(text) ?? this.parse(text);
    // Obfuscated traces differ in every report (pid, addresses): caching them would only churn.
    if (parsed.obfuscated) return parsed;
    if (this.size >= this.limit) {
      // Full: keep what is there until many misses say the export has moved on to other traces.
      if (++this.missesWhenFull < this.limit * REFILL_AFTER) return parsed;
      this.byHash.clear();
      bucket = undefined;
      this.size = 0;
      this.missesWhenFull = 0;
    }
    if (!this.seen.has(h)) {
      if (this.seen.size >= MAX_SEEN) this.seen.clear();
      this.seen.add(h);
      return parsed;
    }
    // A full bucket keeps what it has: texts made to share a hash (a hostile export) would make
    // every read compare against all of them; at most MAX_BUCKET comparisons a read.
    if (bucket && bucket.length >= MAX_BUCKET) return parsed;
    const kept = { ...parsed, shared: true };
    if (bucket) bucket.push({ text, parsed: kept });
    else this.byHash.set(h, [{ text, parsed: kept }]);
    this.size++;
    return kept;
  }

  /** The in-app frames alone, when they can be found without reading the whole trace. */
  private inAppOnly(text: string): ParsedTrace | undefined {
    const frames = inAppFramesByPackage(text, this.appPackages, this.lines);
    if (!frames) return undefined;
    // The memo's array for these lines, of its frames (which know they are in-app): shared as is.
    if (this.lines.isKept(frames) && frames.every((f) => 'inApp' in f))
      return { obfuscated: false, inAppOnly: true, frames: frames as readonly MemoFrame[], shared: true };
    return { obfuscated: false, inAppOnly: true, frames: frames.map((f) => this.frameOf(f)) };
  }

  private frameOf(f: DartFrame | MemoFrame): Frame {
    // The memo's frames are already frames of this cache's packages, shared by every report.
    if ('inApp' in f) return f;
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
  }

  /** The whole trace read (its top frames and in-app frames kept), never cached. */
  parse(text: string): ParsedTrace {
    const trace = parseDartStackTrace(text, {
      compactFor: this.appPackages,
      keepTop: this.keepTop,
      memo: this.lines,
      enough: MAX_FINGERPRINT_FRAMES,
      offsets: MAX_FINGERPRINT_OFFSETS,
    });
    return {
      obfuscated: trace.obfuscated,
      ...(trace.buildId ? { buildId: trace.buildId } : {}),
      ...(trace.offsets ? { offsets: trace.offsets } : {}),
      frames: trace.frames.map((f) => this.frameOf(f)),
    };
  }
}

/** Hashes remembered for admission (numbers only: a few hundred KB at most). */
const MAX_SEEN = 1 << 16;
/** A full cache is refilled after this many misses per entry: rarely, so entries seldom die old. */
const REFILL_AFTER = 16;
/**
 * Traces kept under one sampled hash. The realistic export has a few hashes shared by 50–170
 * texts (line numbers that moved where the hash does not look); crafted texts could all share one.
 */
const MAX_BUCKET = 16;

/**
 * A value the plain checks did not accept: the zod schema decides (normalize.ts), with the Sentry
 * event already in the shape the schema reads.
 */
export interface Unchecked {
  readonly unchecked: Record<string, unknown>;
  readonly sentry: boolean;
}

/**
 * Reads one JSON value as an app report or a Sentry event by the plain checks alone (no zod):
 * what nearly every report is. What they do not accept comes back unchecked, for the schema.
 */
export function normalizeChecked(
  value: unknown,
  appPackages: readonly string[],
  traces: TraceCache,
  /** The value's JSON text, when known: without a `null` in it, a Sentry event has none to strip. */
  text?: string,
): Normalized | Unchecked {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      rejected: `not a JSON object (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`,
    };
  }
  if ('exception' in value) {
    // Sentry writes absent values as `null` (`"function": null`) and, in older events, the
    // exception list bare (`"exception": [...]`): both mean what the protocol's usual shape says.
    // An event that passes with its nulls is read as it is (fromSentry reads null as absent): a
    // copy without them cost more than reading the event.
    const record = value as Record<string, unknown>;
    if (isSentryEventWithNulls(record)) return fromSentry(record as SentryEvent, appPackages, traces.keepTop);
    const event = asSentryShape(
      value as Record<string, unknown>,
      text === undefined || text.includes('null'),
    );
    if (isSentryEvent(event)) return fromSentry(event, appPackages, traces.keepTop);
    return { unchecked: event, sentry: true };
  }
  const report = value as Record<string, unknown>;
  if (isCrashReport(report)) return { crash: fromApp(report, traces) };
  return { unchecked: report, sentry: false };
}

export function fromApp(r: CrashReport, traces: TraceCache): Crash {
  const trace = traces.read(r.stackTrace);
  // One object literal, optional members set after: spreads of `{}` cost an object each per report.
  const crash: { -readonly [K in keyof Crash]: Crash[K] } = {
    type: cap(r.type, MAX_TYPE),
    message: cap(r.message, MAX_MESSAGE),
    frames: trace.frames,
    sharedFrames: trace.shared === true,
    obfuscated: trace.obfuscated,
    fatal: r.fatal,
    platform: r.platform.toLowerCase(),
    appVersion: r.appVersion,
    buildNumber: String(r.buildNumber),
    timestamp: parseIsoTimestamp(r.timestamp),
    userId: r.userId,
  };
  if (trace.inAppOnly) crash.trace = r.stackTrace;
  if (trace.buildId) crash.buildId = trace.buildId;
  if (trace.offsets) crash.offsets = trace.offsets;
  return crash;
}

/**
 * An event, read, `null` members as absent (what isSentryEventWithNulls passed comes with its nulls).
 * Like an app report's trace (TraceCache), it keeps its first `keepTop` frames (a group's sample)
 * and, past them, only in-app frames (its fingerprint's): the rest are not built.
 */
export function fromSentry(
  e: SentryEvent,
  appPackages: readonly string[],
  keepTop = Number.POSITIVE_INFINITY,
): Normalized {
  const values = e.exception.values;
  const last = values[values.length - 1] as (typeof values)[number];
  const raw = last.stacktrace?.frames ?? [];
  const frames: Frame[] = [];
  // Sentry lists frames oldest first; ours are most recent first, like the Dart VM prints them.
  for (let i = raw.length - 1; i >= 0; i--) {
    const f = raw[i] as (typeof raw)[number];
    const uri = f.abs_path ?? f.filename ?? f.module ?? '';
    // A frame with neither says nothing; one with only a file (web, native) still places the crash.
    if (!f.function && !uri) continue;
    const inApp = f.in_app ?? isInAppUri(uri, appPackages);
    if (!inApp && frames.length >= keepTop) continue;
    const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
      function: f.function ? normalizeFunction(f.function) : '',
      uri,
      package: f.package ?? packageOf(uri),
      file: basename(f.filename ?? uri),
      inApp,
    };
    if (f.lineno != null) frame.line = f.lineno;
    if (f.colno != null) frame.column = f.colno;
    frames.push(frame);
  }
  const [version, build] = parseRelease(e.release, e.dist, e.contexts?.app);
  if (last.type != null && !TYPE_NAME.test(last.type) && !SENTRY_TYPE.test(last.type))
    return { rejected: 'Sentry event: exception type is not a type name like StateError' };
  const os = (e.contexts?.os?.name ?? '').toLowerCase();
  const userId = e.user?.id;
  const crash: Crash = {
    type: cap(last.type ?? 'Error', MAX_TYPE),
    message: cap(last.value ?? '', MAX_MESSAGE),
    frames,
    sharedFrames: false,
    // Obfuscated Dart events carry instruction addresses and no function names.
    obfuscated: frames.length === 0 && raw.some((f) => f.instruction_addr != null),
    fatal: e.level === 'fatal' || last.mechanism?.handled === false,
    // Sentry's own `platform` names the SDK (`other`, `dart`), not a device: unknown systems are `other`.
    platform: (PLATFORMS as readonly string[]).includes(os) ? os : 'other',
    appVersion: version,
    buildNumber: build,
    timestamp: typeof e.timestamp === 'number' ? e.timestamp * 1000 : parseIsoTimestamp(e.timestamp),
    userId: userId == null ? undefined : String(userId),
  };
  return { crash };
}

/** An event without a release: shown, but never compared (it is not newer than anything). */
export const UNKNOWN_VERSION = 'unknown';

/**
 * Types other SDKs put in a Flutter app's Sentry project: `java.lang.IllegalStateException`,
 * `minified:Bc` (dart2js without source maps), `SIGSEGV`. Dots and colons, still no markup.
 */
const SENTRY_TYPE = /^[A-Za-z_$][\w$.:]{0,127}$/;

/**
 * Sentry's `release` is `package@version+build`; `dist` or contexts.app may carry the build. A
 * release that is no version (a commit SHA, a free name) falls back to contexts.app, else unknown:
 * the event is still counted, just never compared.
 */
function parseRelease(
  release: string | undefined,
  dist: string | undefined,
  app: { app_version?: string | undefined; app_build?: string | undefined } | undefined,
): [string, string] {
  const m = /^(?:[^@]+@)?([^+]+)(?:\+(.+))?$/.exec(release ?? '');
  const candidates: [string | undefined, string | undefined][] = [
    [m?.[1], m?.[2] ?? dist ?? app?.app_build],
    [app?.app_version, app?.app_build ?? dist],
  ];
  for (const [version, build] of candidates) {
    // `null` (an event read with its nulls) is absent, like undefined.
    if (version != null && VERSION.test(version) && BUILD_NUMBER.test(build ?? ''))
      return [version, build ?? ''];
  }
  return [UNKNOWN_VERSION, ''];
}
