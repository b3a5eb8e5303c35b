import { createRequire } from 'node:module';
import type Vm from 'node:vm';
import { oneLine } from '@sre-toolkit/action';

/**
 * What a response must look like to count as up: status codes, JSON values at dot paths, and text.
 * Pure: each check takes the response and returns why it failed, in words, or undefined.
 */

export interface StatusRange {
  readonly from: number;
  readonly to: number;
}

export interface StatusExpectation {
  readonly ranges: readonly StatusRange[];
  /** How the author wrote it, for messages: `200-399`, `200, 204`, `2xx`. */
  readonly text: string;
}

export type JsonValue = string | number | boolean | null;

export interface JsonExpectation {
  readonly path: string;
  /** One accepted value, or several (`status: [pass, warn]`). */
  readonly expected: readonly JsonValue[];
}

export type TextExpectation =
  { readonly kind: 'substring'; readonly text: string } | { readonly kind: 'regex'; readonly regex: RegExp };

const STATUS_ITEM = /^(?:([1-5])xx|(\d{3})(?:\s*-\s*(\d{3}))?)$/i;

/** `200-399`, `200, 204`, `2xx`, `[200, 204]`, `200`: the status codes that count as up. */
export function parseStatusExpectation(value: unknown): { value: StatusExpectation } | { error: string } {
  const items = Array.isArray(value)
    ? value.map((v) => String(v).trim())
    : String(value)
        .replace(/\s*-\s*/g, '-')
        .split(/[\s,]+/);
  const ranges: StatusRange[] = [];
  const cleaned = items.filter(Boolean);
  for (const item of cleaned) {
    const m = STATUS_ITEM.exec(item);
    if (!m) {
      return {
        error: `has ${JSON.stringify(item)}, which is not a status: use codes (200), ranges (200-399) or classes (2xx), separated by commas`,
      };
    }
    if (m[1]) ranges.push({ from: Number(m[1]) * 100, to: Number(m[1]) * 100 + 99 });
    else {
      const from = Number(m[2]);
      const to = m[3] ? Number(m[3]) : from;
      if (from < 100 || to > 599 || to < from) {
        return { error: `has ${JSON.stringify(item)}, which is not a range of HTTP statuses (100-599)` };
      }
      ranges.push({ from, to });
    }
  }
  if (!ranges.length) return { error: 'lists no status' };
  return { value: { ranges, text: cleaned.join(', ') } };
}

export function checkStatus(expectation: StatusExpectation, status: number): string | undefined {
  if (expectation.ranges.some((r) => status >= r.from && status <= r.to)) return undefined;
  return `expected status ${expectation.text}, got ${status}`;
}

/**
 * The status codes that count as up when a target sets none. Kept as one object so that `judge`
 * can tell the default from an author's own `200-399`: under the default, a 3xx is degraded.
 */
export const DEFAULT_EXPECT_STATUS: StatusExpectation = { ranges: [{ from: 200, to: 399 }], text: '200-399' };

/** Only this much of a body is searched with an author's regular expression (a substring search sees it all). */
export const MAX_REGEX_BODY = 16 * 1024;

/** `/pattern/flags` is a regular expression; anything else is a substring. */
export function parseTextExpectation(text: string): { value: TextExpectation } | { error: string } {
  const m = /^\/(.+)\/([dgimsuvy]*)$/s.exec(text);
  if (!m) return { value: { kind: 'substring', text } };
  const risk = backtrackingRisk(m[1] ?? '');
  if (risk) {
    return {
      error: `is a regular expression with ${risk}, which can take seconds to minutes on a hostile response; rewrite it without (e.g. /(ab)+/ -> /(?:ab)+/ is fine, /(a+)+/ is not), or use a plain substring`,
    };
  }
  try {
    // g and y make test() stateful; a check must answer the same every time.
    return { value: { kind: 'regex', regex: new RegExp(m[1] ?? '', (m[2] ?? '').replace(/[gy]/g, '')) } };
  } catch (error) {
    return { error: `is not a valid regular expression: ${(error as Error).message}` };
  }
}

export function checkText(expectation: TextExpectation, body: string): string | undefined {
  if (expectation.kind === 'substring') {
    return body.includes(expectation.text)
      ? undefined
      : `expected the response to contain ${JSON.stringify(clip(expectation.text))}, it does not`;
  }
  const matched = testWithin(expectation.regex, body.slice(0, MAX_REGEX_BODY), REGEX_TIME_LIMIT_MS);
  if (matched === 'timed out') {
    return `expect-text ${String(expectation.regex)} took over ${REGEX_TIME_LIMIT_MS} ms on this response and was stopped; simplify the pattern (e.g. drop a leading .*)`;
  }
  return matched ? undefined : `expected the response to match ${String(expectation.regex)}, it does not`;
}

/** How long one expect-text match may run before it is stopped and the target counted as failing. */
export const REGEX_TIME_LIMIT_MS = 250;

let regexContext: Vm.Context | undefined;
// node:vm is loaded by the first regex expect-text: most runs have none (~0.5 ms of start-up).
let vm: typeof Vm | undefined;

/**
 * Runs a pattern inside a vm context with a timeout: V8 interrupts a backtracking match there, so
 * no pattern an author writes (`.*error.*timeout` on a long body is polynomial; the refusal of
 * nested quantifiers above cannot catch every such shape) can hang the run.
 */
export function testWithin(regex: RegExp, text: string, limitMs: number): boolean | 'timed out' {
  vm ??= createRequire(import.meta.url)('node:vm') as typeof Vm;
  regexContext ??= vm.createContext({ re: null, text: '' });
  regexContext.re = regex;
  regexContext.text = text;
  try {
    return vm.runInContext('re.test(text)', regexContext, { timeout: limitMs }) === true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timed out';
    throw error;
  } finally {
    regexContext.re = null;
    regexContext.text = '';
  }
}

/**
 * What makes a pattern backtrack super-linearly in V8's engine, found by reading its source: a
 * backreference, or a quantified group that itself holds a quantifier or an alternation (`(a+)+`,
 * `(a|aa)*`, `(\w+\s?)*`). Conservative: it may refuse a harmless pattern, never a slow one of these shapes.
 */
export function backtrackingRisk(pattern: string): string | undefined {
  // Per open group: does it hold a quantifier or `|` (directly or in a group inside it)?
  const open: boolean[] = [];
  const mark = () => {
    if (open.length) open[open.length - 1] = true;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) return 'a backreference';
      i++;
    } else if (c === '[') {
      // A character class: quantifier characters inside it are literal.
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (c === '(') {
      open.push(false);
      // `(?:`, `(?=`, `(?<name>`: the `?` is syntax, not a quantifier.
      if (pattern[i + 1] === '?') i++;
    } else if (c === ')') {
      const risky = open.pop() ?? false;
      if (risky && /^(?:[*+]|\{\d*,\d*\}|\{(?![01]\})\d+\})/.test(pattern.slice(i + 1))) {
        return 'a repeated group that holds a quantifier or an alternation';
      }
      if (risky) mark();
    } else if (c === '|' || c === '*' || c === '+' || c === '?' || c === '{') mark();
  }
  return undefined;
}

/** `expect-json` as written: a map of dot paths to a value or a list of accepted values. */
export function parseJsonExpectations(value: unknown): { value: JsonExpectation[] } | { error: string } {
  if (value === undefined || value === null || value === '') return { value: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { error: 'must be a map of JSON paths to expected values, e.g. `status: UP`' };
  }
  const out: JsonExpectation[] = [];
  for (const [path, expected] of Object.entries(value as Record<string, unknown>)) {
    const list = Array.isArray(expected) ? expected : [expected];
    if (!list.length || !list.every(isScalar)) {
      return {
        error: `has ${JSON.stringify(path)} expecting something that is not a string, number, boolean or null (or a list of them)`,
      };
    }
    out.push({ path, expected: list as JsonValue[] });
  }
  return { value: out };
}

const isScalar = (v: unknown): v is JsonValue =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Follows `checks.db.status` or `checks.db:responseTime.0.status` through objects and arrays. */
export function valueAtPath(doc: unknown, path: string): { found: true; value: unknown } | { found: false } {
  let node: unknown = doc;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return { found: false };
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key) || Number(key) >= node.length) return { found: false };
      node = node[Number(key)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(node, key)) return { found: false };
      node = (node as Record<string, unknown>)[key];
    }
  }
  return { found: true, value: node };
}

/**
 * Compares as YAML authors mean it: `UP` matches "UP", `200` matches 200 and "200", `true` matches
 * true and "true". Strings are case-sensitive: Spring's `UP` is not `up`.
 */
function matches(expected: JsonValue, actual: unknown): boolean {
  if (expected === null) return actual === null;
  if (actual === null || typeof actual === 'object') return false;
  return String(expected) === String(actual);
}

export function checkJson(expectations: readonly JsonExpectation[], doc: unknown): string | undefined {
  for (const e of expectations) {
    const want = e.expected.map((v) => (v === null ? 'null' : String(v))).join(' or ');
    const at = valueAtPath(doc, e.path);
    if (!at.found) return `expected ${e.path} ${want}, but the response has no ${e.path}`;
    if (!e.expected.some((v) => matches(v, at.value)))
      return `expected ${e.path} ${want}, got ${show(at.value)}`;
  }
  return undefined;
}

/** A value from the response body: hostile text, so one line, no invisible characters, 80 at most. */
function show(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return clip(oneLine(JSON.stringify(value)));
  return clip(oneLine(String(value)));
}

/** Cuts by code point, so a surrogate pair is never split into garbage. */
export function clip(text: string, max = 80): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 3).join('')}...` : text;
}

/**
 * `degraded-when`: answers that are degraded rather than up or down, in the forms of the
 * expectations: `status` (Consul's `429`), `json` (ASP.NET Core's `status: Degraded`, a Spring
 * custom status), `text`. Any one condition that matches makes the answer degraded.
 */
export interface DegradedWhen {
  readonly status?: StatusExpectation;
  readonly json: readonly JsonExpectation[];
  readonly text?: TextExpectation;
}

const DEGRADED_KEYS = ['status', 'json', 'text'];

export function parseDegradedWhen(value: unknown): { value: DegradedWhen | undefined } | { error: string } {
  if (value === undefined || value === null || value === '') return { value: undefined };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      error: 'must be a map with status, json or text, e.g. `status: 429` or `json: { status: Degraded }`',
    };
  }
  const spec = value as Record<string, unknown>;
  const extra = Object.keys(spec).filter((k) => !DEGRADED_KEYS.includes(k));
  if (extra.length) {
    return { error: `has unknown key ${JSON.stringify(extra[0])}; use status, json or text` };
  }
  let status: StatusExpectation | undefined;
  if (spec.status !== undefined && spec.status !== null) {
    const s = parseStatusExpectation(spec.status);
    if ('error' in s) return { error: `status ${s.error}` };
    status = s.value;
  }
  const json = parseJsonExpectations(spec.json);
  if ('error' in json) return { error: `json ${json.error}` };
  let text: TextExpectation | undefined;
  if (spec.text !== undefined && spec.text !== null && spec.text !== '') {
    const t = parseTextExpectation(String(spec.text));
    if ('error' in t) return { error: `text ${t.error}` };
    text = t.value;
  }
  if (!status && !json.value.length && !text) return { error: 'lists no condition (status, json or text)' };
  return { value: { ...(status ? { status } : {}), json: json.value, ...(text ? { text } : {}) } };
}

/** Which `degraded-when` condition an answer matches, in words, or undefined. */
export function matchDegraded(
  when: DegradedWhen,
  answer: { readonly status: number; readonly body: string; readonly doc: unknown },
): string | undefined {
  if (when.status && !checkStatus(when.status, answer.status)) return `HTTP ${answer.status}`;
  if (answer.doc !== undefined) {
    for (const e of when.json) {
      if (!checkJson([e], answer.doc)) {
        const at = valueAtPath(answer.doc, e.path);
        return `${e.path} is ${at.found ? show(at.value) : '?'}`;
      }
    }
  }
  if (when.text && checkText(when.text, answer.body) === undefined) {
    return when.text.kind === 'regex'
      ? `the response matches ${String(when.text.regex)}`
      : `the response contains ${JSON.stringify(clip(when.text.text))}`;
  }
  return undefined;
}
