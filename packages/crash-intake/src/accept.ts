import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { type Crash, normalizeReport, scrub, TraceCache } from '@sre-toolkit/crashes';
import { KeyNames, type KeyName, Memo } from './memo';

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
const APP_TEXT = ['message', 'stackTrace', 'osVersion', 'device', 'library', 'context'] as const;

/**
 * The fields of docs/crash-report.schema.json: what crash-digest reads. Anything else an app sends
 * is dropped before the store, so nothing unscrubbed rides along in an unknown field.
 */
export const APP_FIELDS: readonly string[] = [
  'type',
  'message',
  'stackTrace',
  'fatal',
  'source',
  'platform',
  'appVersion',
  'buildNumber',
  'osVersion',
  'device',
  'timestamp',
  'userId',
  'library',
  'context',
];

/**
 * Top-level Sentry-event keys whose values are ids, times, levels or versions (`1.2.3.4` would
 * read as an IP address, `app@1.2.3` as an e-mail address): kept as sent when they are short
 * tokens. Only at the top level; anywhere else a key named `type` or `release` is free text.
 */
const SENTRY_TOP_KEEP = new Map<string, RegExp>([
  ['timestamp', /^[\d:.TZ+-]{1,40}$/],
  ['release', /^[\w.+@-]{1,256}$/],
  ['platform', /^[\w.+-]{1,64}$/],
  ['level', /^[\w.+-]{1,64}$/],
  ['event_id', /^[\w.+-]{1,64}$/],
  // Free text in principle: kept only when it is a plain token, scrubbed otherwise.
  ['environment', /^[\w.+-]{1,64}$/],
  ['dist', /^[\w.+-]{1,64}$/],
]);
/** Version-like keys kept as sent inside `contexts.*` (and `type` of an exception value) when they are tokens. */
const SENTRY_TOKEN_KEYS = new Set(['app_version', 'app_build', 'version', 'build', 'type']);
/** A token: no spaces, no `@`, `=` or `:` that could carry a name or a secret. */
const TOKEN = /^[\w.+-]{0,128}$/;
/** Keys whose whole value is a secret or identifies a person, at any depth. */
const SECRET_KEY =
  /password|passwd|secret|api[-_]?key|auth|credential|token|private[-_]?key|cookie|session|^(?:username|email|e_mail|ip_address|ip)$/i;

/** Reports nested deeper than this are refused: nothing the schema knows is deeper than 8. */
export const MAX_DEPTH = 64;

/** Year 2000 and one day ahead: a report outside is a wrong clock and would escape the export's time filter. */
export const EARLIEST_REPORT = Date.UTC(2000, 0, 1);
export const FUTURE_SLACK_MS = 86_400_000;

/**
 * Checks a body (one report or an array of up to 100) and scrubs personal data out of every
 * valid report, before anything is written. Each report is validated again after scrubbing, so
 * what is stored is exactly what crash-digest will accept.
 */
export class ReportChecker {
  private readonly traces: TraceCache;
  private readonly memos: ScrubMemos;
  private readonly key: KeyObject;
  /**
   * @param pseudonymKey the installation's secret key for user-id pseudonyms (see `pseudonym`).
   * @param now the clock that bounds report timestamps.
   */
  constructor(
    private readonly appPackages: readonly string[],
    pseudonymKey: Buffer | string,
    private readonly now: () => number = Date.now,
  ) {
    this.traces = new TraceCache(appPackages);
    // A key object once: createHmac with raw key bytes prepares a new one on every call (~15 µs).
    const key = createSecretKey(typeof pseudonymKey === 'string' ? Buffer.from(pseudonymKey) : pseudonymKey);
    this.key = key;
    // Sized on the realistic export (200,000 reports): 8,192 lines a generation hold nearly every
    // recurring line (28,500 lines scrubbed, against 83,000 at 4,096; 26,500 are distinct), 16,384
    // ids halve the HMACs of 4,096 (78,000 against 150,000). At most 3–5 MB each when full.
    this.memos = {
      pseudonyms: new Memo((id) => pseudonym(id, key), 16_384),
      traceLines: new Memo((line) => scrubTraceLine(line, scrub), 8_192),
      keys: new KeyNames(readKey),
    };
  }

  check(body: unknown): Checked {
    const reports = Array.isArray(body) ? body : [body];
    if (Array.isArray(body) && body.length === 0) return { error: 'the array holds no report' };
    if (reports.length > MAX_BATCH) {
      return { error: `a batch holds at most ${MAX_BATCH} reports, this one ${reports.length}` };
    }
    const accepted: AcceptedReport[] = [];
    const rejected: Rejection[] = [];
    const latest = this.now() + FUTURE_SLACK_MS;
    for (const [index, value] of reports.entries()) {
      if (deeperThan(value, MAX_DEPTH)) {
        rejected.push({ index, reason: `the report is nested deeper than ${MAX_DEPTH} levels` });
        continue;
      }
      // Scrubbing first and normalizing once: the scrubber touches only free text, which the
      // schema holds to no shape, so the verdict is the same and the fingerprint is the stored one's.
      const clean = isObject(value) ? scrubReport(value, this.key, this.memos) : value;
      const normalized = normalizeReport(clean, this.appPackages, this.traces);
      if ('rejected' in normalized) {
        rejected.push({ index, reason: normalized.rejected });
        continue;
      }
      const at = normalized.crash.timestamp;
      if (!(at >= EARLIEST_REPORT && at <= latest)) {
        rejected.push({
          index,
          reason: `timestamp: must lie between 2000-01-01 and one day from now (the device clock is wrong)`,
        });
        continue;
      }
      accepted.push({ line: JSON.stringify(clean), crash: normalized.crash });
    }
    return { accepted, rejected };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a parsed JSON value nests deeper than `max`: a walk with its own stack, no recursion
 * (values and their depths side by side, so the walk allocates no pair per object).
 */
export function deeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const values: object[] = [value];
  const depths: number[] = [0];
  while (values.length) {
    const v = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) {
        values.push(child as object);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Bounded memos `check` keeps across reports: scrubbing gives the same result with or without them. */
export interface ScrubMemos {
  /** Pseudonyms by user id (the same users crash again and again). */
  readonly pseudonyms?: Memo;
  /**
   * Scrubbed trace lines by their text: whole traces seldom recur (a memo of them cost more than it
   * saved), but their lines are the same frames of the same builds again and again.
   */
  readonly traceLines?: Memo;
  /** Sentry events' key names, scrubbed, and whether each names a secret. */
  readonly keys?: KeyNames;
}

type Scrub = (text: string) => string;

/**
 * A copy of the report with personal data and secrets removed. App reports keep only the schema's
 * fields, their free text scrubbed; Sentry events are scrubbed everywhere (values and key names),
 * secrets by key name replaced whole. User ids become keyed pseudonyms of the id as sent.
 */
export function scrubReport(
  report: Record<string, unknown>,
  pseudonymKey: Buffer | string | KeyObject,
  memos: ScrubMemos = {},
): Record<string, unknown> {
  const pseudonymOf = (id: string) => memos.pseudonyms?.get(id) ?? pseudonym(id, pseudonymKey);
  // Short texts (frame members and URIs, key names, device names) are scrubbed afresh: most hold
  // nothing a step looks for, and the scrubber sees that in one pass over them, for less than a
  // memo's lookup and copy cost (a memo of them was 5–6 µs a report slower, measured).
  const scrubShort: Scrub = scrub;
  if ('exception' in report) {
    const keys = memos.keys;
    const keyOf: KeyOf = keys ? (k) => keys.get(k) : readKey;
    return scrubSentryEvent(report, pseudonymOf, scrubShort, keyOf);
  }
  const copy: Record<string, unknown> = {};
  for (const key of APP_FIELDS) if (Object.hasOwn(report, key)) copy[key] = report[key];
  for (const key of APP_TEXT) {
    const v = copy[key];
    if (typeof v !== 'string') continue;
    copy[key] =
      key === 'stackTrace'
        ? memoTrace(v, memos.traceLines, scrubShort)
        : key === 'message'
          ? scrub(v)
          : scrubShort(v);
  }
  if (typeof copy.userId === 'string') copy.userId = pseudonymOf(copy.userId);
  return copy;
}

type PseudonymOf = (id: string) => string;
type KeyOf = (key: string) => KeyName;

/** A key name as stored (scrubbed), and whether its value is a secret to replace whole. */
const readKey = (key: string): KeyName => ({ name: scrub(key), secret: SECRET_KEY.test(key) });

function scrubSentryEvent(
  event: Record<string, unknown>,
  pseudonymOf: PseudonymOf,
  scrubShort: Scrub,
  keyOf: KeyOf,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (k === '__proto__') continue;
    if (k === 'user' && isObject(v)) {
      out.user = scrubUser(v, pseudonymOf, keyOf);
    } else if (SENTRY_TOP_KEEP.has(k) && isKeptValue(v, SENTRY_TOP_KEEP.get(k) as RegExp)) {
      out[k] = v;
    } else if (k === 'exception') {
      out[k] = scrubDeep(v, 1, 'exception', scrubShort, keyOf);
    } else if (k === 'contexts') {
      out[k] = scrubDeep(v, 1, 'contexts', scrubShort, keyOf);
    } else {
      const key = keyOf(k);
      out[key.name] = key.secret ? FILTERED : scrubDeep(v, 1, '', scrubShort, keyOf);
    }
  }
  return out;
}

const FILTERED = '[Filtered]';
const isKeptValue = (v: unknown, shape: RegExp) =>
  typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && shape.test(v));

/** `user`: the id becomes a pseudonym of the id as sent (before any scrubbing); names, addresses and IPs go. */
function scrubUser(
  user: Record<string, unknown>,
  pseudonymOf: PseudonymOf,
  keyOf: KeyOf,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(user)) {
    if (k === '__proto__') continue;
    if (k === 'id' && (typeof v === 'string' || typeof v === 'number')) out.id = pseudonymOf(String(v));
    else out[keyOf(k).name] = FILTERED;
  }
  return out;
}

/**
 * Everything below the top level: strings scrubbed, key names scrubbed, secrets by key name
 * replaced whole. `context` says where we are: version keys inside `contexts` and the exception
 * type keep token values (a version would read as an IP address; a type is a validated name).
 */
function scrubDeep(value: unknown, depth: number, context: string, scrubShort: Scrub, keyOf: KeyOf): unknown {
  if (typeof value === 'string') return scrubShort(value);
  if (typeof value !== 'object' || value === null) return value;
  // check() refused anything deeper than MAX_DEPTH; this bounds direct callers as well.
  if (depth > MAX_DEPTH) return FILTERED;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1, context, scrubShort, keyOf));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') continue;
    const key = keyOf(k);
    if (key.secret) {
      out[key.name] = FILTERED;
    } else if (
      context !== '' &&
      SENTRY_TOKEN_KEYS.has(k) &&
      typeof v === 'string' &&
      TOKEN.test(v) &&
      (context === 'contexts' || k === 'type')
    ) {
      out[k] = v;
    } else {
      out[key.name] = scrubDeep(v, depth + 1, context, scrubShort, keyOf);
    }
  }
  return out;
}

/**
 * User ids are only counted (distinct users per group): a keyed one-way hash (HMAC-SHA-256 with
 * the installation's secret key) keeps them countable, stops the store from holding an id an app
 * may have built from an account name, and cannot be reversed by hashing a list of guesses.
 */
export function pseudonym(id: string, key: Buffer | string | KeyObject): string {
  return `u_${createHmac('sha256', key).update(id).digest('hex').slice(0, 20)}`;
}

function memoTrace(trace: string, lines: Memo | undefined, scrubPart: Scrub): string {
  if (!lines) return scrubStackTrace(trace, scrubPart);
  // Obfuscated frames (`    #05 abs 0000007b… virt …`) hold the process's load address: each
  // comes once, and would only push the recurring lines out of the memo.
  return scrubStackTraceWith(trace, (line) =>
    line.includes(' abs ') ? scrubTraceLine(line, scrubPart) : lines.get(line),
  );
}

/**
 * A Dart trace, scrubbed frame by frame: the member and the URI of `#3  Foo.bar (uri:line:col)`
 * separately, the location kept. Scrubbing the whole line would read `auth_page.dart:42:7` as the
 * key-value pair `auth…: 42` and filter the location away, changing the frame and its fingerprint.
 */
export function scrubStackTrace(trace: string, scrubPart: Scrub = scrub): string {
  return scrubStackTraceWith(trace, (line) => scrubTraceLine(line, scrubPart));
}

/** A trace scrubbed line by line with `scrubLine` (`scrubTraceLine`, or a memo of it). */
function scrubStackTraceWith(trace: string, scrubLine: Scrub): string {
  const lines = trace.split('\n');
  for (let i = 0; i < lines.length; i++) lines[i] = scrubLine(lines[i] as string);
  return lines.join('\n');
}

/** One line of a trace: a frame's member and URI scrubbed apart (location kept), any other line whole. */
export function scrubTraceLine(line: string, scrubPart: Scrub = scrub): string {
  const open = line.lastIndexOf(' (');
  if (!line.startsWith('#') || open === -1 || !line.endsWith(')')) return scrubPart(line);
  const inner = line.slice(open + 2, -1);
  const loc = /(?::\d{1,9}){1,2}$/.exec(inner)?.[0] ?? '';
  const uri = inner.slice(0, inner.length - loc.length);
  return `${scrubPart(line.slice(0, open))} (${scrubPart(uri)}${loc})`;
}
