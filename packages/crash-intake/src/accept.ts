import { createHash } from 'node:crypto';
import { type Crash, normalizeReport, scrub, TraceCache } from '@sre-toolkit/crashes';

/** A client's offline queue flushes at most this many reports in one request. */
export const MAX_BATCH = 100;

export interface AcceptedReport {
  /** The scrubbed report, as stored (one NDJSON line). */
  readonly line: string;
  /** The scrubbed report, normalized: what fingerprinting and alerts see. */
  readonly crash: Crash;
}

export interface Rejection {
  readonly index: number;
  readonly reason: string;
}

export type Checked =
  { readonly accepted: AcceptedReport[]; readonly rejected: Rejection[] } | { readonly error: string };

/** App-report fields that hold free text; the others were validated to a strict shape. */
const APP_TEXT = ['message', 'stackTrace', 'osVersion', 'device', 'userId', 'library', 'context'] as const;

/**
 * Sentry-event keys whose values are not free text: versions (`1.2.3.4` would read as an IP
 * address), times, ids and levels. Everything else is scrubbed.
 */
const SENTRY_KEEP = new Set([
  'timestamp',
  'release',
  'dist',
  'platform',
  'level',
  'environment',
  'event_id',
  'type',
  'app_version',
  'app_build',
  'version',
  'build',
  'in_app',
]);

/**
 * Checks a body (one report or an array of up to 100) and scrubs personal data out of every
 * valid report, before anything is written. Each report is validated again after scrubbing, so
 * what is stored is exactly what crash-digest will accept.
 */
export class ReportChecker {
  private readonly traces: TraceCache;
  /** Scrubbed stack traces by their text: one bug in one build sends the same trace many times. */
  private readonly traceTexts = new Map<string, string>();
  constructor(private readonly appPackages: readonly string[]) {
    this.traces = new TraceCache(appPackages);
  }

  check(body: unknown): Checked {
    const reports = Array.isArray(body) ? body : [body];
    if (Array.isArray(body) && body.length === 0) return { error: 'the array holds no report' };
    if (reports.length > MAX_BATCH) {
      return { error: `a batch holds at most ${MAX_BATCH} reports, this one ${reports.length}` };
    }
    const accepted: AcceptedReport[] = [];
    const rejected: Rejection[] = [];
    for (const [index, value] of reports.entries()) {
      // Scrubbing first and normalizing once: the scrubber touches only free text, which the
      // schema holds to no shape, so the verdict is the same and the fingerprint is the stored one's.
      const clean = isObject(value) ? scrubReport(value, this.traceTexts) : value;
      const normalized = normalizeReport(clean, this.appPackages, this.traces);
      if ('rejected' in normalized) {
        rejected.push({ index, reason: normalized.rejected });
        continue;
      }
      accepted.push({ line: JSON.stringify(clean), crash: normalized.crash });
    }
    return { accepted, rejected };
  }
}

/** A copy of the report with personal data and secrets replaced in every free-text value. */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function scrubReport(
  report: Record<string, unknown>,
  traceCache?: Map<string, string>,
): Record<string, unknown> {
  if ('exception' in report) {
    const copy = scrubDeep(report, 0) as Record<string, unknown>;
    const user = copy.user;
    if (typeof user === 'object' && user !== null && !Array.isArray(user)) {
      const id = (user as Record<string, unknown>).id;
      if (typeof id === 'string' || typeof id === 'number') {
        copy.user = { ...(user as Record<string, unknown>), id: pseudonym(String(id)) };
      }
    }
    return copy;
  }
  const copy: Record<string, unknown> = { ...report };
  for (const key of APP_TEXT) {
    const v = copy[key];
    if (typeof v !== 'string') continue;
    copy[key] =
      key === 'stackTrace' ? cachedTrace(v, traceCache) : key === 'userId' ? pseudonym(v) : scrub(v);
  }
  return copy;
}

/**
 * User ids are only counted (distinct users per group): a one-way hash keeps them countable
 * and stops the store from holding an id an app may have built from an account name.
 */
export function pseudonym(id: string): string {
  return `u_${createHash('sha256').update(id).digest('hex').slice(0, 20)}`;
}

function cachedTrace(trace: string, cache: Map<string, string> | undefined): string {
  if (!cache) return scrubStackTrace(trace);
  let clean = cache.get(trace);
  if (clean === undefined) {
    clean = scrubStackTrace(trace);
    // Bounded: obfuscated traces differ in every report.
    if (cache.size >= 2_000) cache.clear();
    cache.set(trace, clean);
  }
  return clean;
}

/**
 * A Dart trace, scrubbed frame by frame: the member and the URI of `#3  Foo.bar (uri:line:col)`
 * separately, the location kept. Scrubbing the whole line would read `auth_page.dart:42:7` as the
 * key-value pair `auth…: 42` and filter the location away, changing the frame and its fingerprint.
 */
export function scrubStackTrace(trace: string): string {
  return trace
    .split('\n')
    .map((line) => {
      const open = line.lastIndexOf(' (');
      if (!line.startsWith('#') || open === -1 || !line.endsWith(')')) return scrub(line);
      const inner = line.slice(open + 2, -1);
      const loc = /(?::\d{1,9}){1,2}$/.exec(inner)?.[0] ?? '';
      const uri = inner.slice(0, inner.length - loc.length);
      return `${scrub(line.slice(0, open))} (${scrub(uri)}${loc})`;
    })
    .join('\n');
}

function scrubDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (typeof value !== 'object' || value === null) return value;
  // The body limit bounds the size; this bounds the recursion. Nothing that deep is kept unscrubbed.
  if (depth > 32) return '[Filtered]';
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SENTRY_KEEP.has(k) && typeof v !== 'object' ? v : scrubDeep(v, depth + 1);
  }
  return out;
}
