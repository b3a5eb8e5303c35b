import { TIMESTAMP } from './report-checks';
import type { SentryEvent } from './sentry-event-schema';

/**
 * Sentry's event limits and the plain check of an event, without zod (see report-checks.ts): the
 * schema in sentry-event-schema.ts decides only what this does not accept.
 */

/**
 * Sentry's `timestamp` is seconds since the epoch. Past the year 2100 it is no real event, and far
 * enough out it is no Date at all: one such report used to stop the whole digest.
 */
export const MAX_SENTRY_SECONDS = 4_102_444_800;

type Check = (v: Record<string, unknown>) => boolean;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** Like Array.every, but holes count as undefined (as zod sees them). */
const all = (xs: readonly unknown[], check: (x: unknown) => boolean) => {
  for (let i = 0; i < xs.length; i++) if (!check(xs[i])) return false;
  return true;
};

/**
 * The event check, with `absent` saying which member values count as left out: `undefined` for
 * the schema's own rule; `undefined` or `null` for an event read as it came, whose `null` members
 * asSentryShape (below) would have dropped.
 */
function sentryEventCheck(absent: (v: unknown) => boolean): (v: Record<string, unknown>) => boolean {
  const optionalString = (v: unknown) => absent(v) || typeof v === 'string';
  const optionalNumber = (v: unknown) => absent(v) || (typeof v === 'number' && Number.isFinite(v));
  const optionalBoolean = (v: unknown) => absent(v) || typeof v === 'boolean';
  const optionalObject = (v: unknown, check: Check) => absent(v) || (isObject(v) && check(v));
  const nullishObject = (v: unknown, check: Check) => v === null || optionalObject(v, check);

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
      (st) => absent(st.frames) || (Array.isArray(st.frames) && all(st.frames, isSentryFrame)),
    );

  return (v) => {
    const ex = v.exception;
    const ts = v.timestamp;
    return (
      isObject(ex) &&
      Array.isArray(ex.values) &&
      ex.values.length > 0 &&
      all(ex.values, isSentryException) &&
      ((typeof ts === 'number' && ts >= 0 && ts <= MAX_SENTRY_SECONDS) ||
        (typeof ts === 'string' && TIMESTAMP.test(ts))) &&
      optionalString(v.level) &&
      optionalString(v.release) &&
      optionalString(v.dist) &&
      optionalString(v.platform) &&
      nullishObject(
        v.user,
        (u) =>
          absent(u.id) || typeof u.id === 'string' || (typeof u.id === 'number' && Number.isFinite(u.id)),
      ) &&
      optionalObject(
        v.contexts,
        (c) =>
          optionalObject(c.os, (o) => optionalString(o.name) && optionalString(o.version)) &&
          optionalObject(c.device, (d) => optionalString(d.model) && optionalString(d.family)) &&
          optionalObject(c.app, (a) => optionalString(a.app_version) && optionalString(a.app_build)),
      )
    );
  };
}

const checkEvent = sentryEventCheck((v) => v === undefined);
const checkEventWithNulls = sentryEventCheck((v) => v === undefined || v === null);

/** sentryEventSchema as plain checks, like isCrashReport (same reason, same agreement test). */
export function isSentryEvent(v: Record<string, unknown>): v is SentryEvent {
  return checkEvent(v);
}

/**
 * True when the event without its `null` members (asSentryShape) passes isSentryEvent: every
 * member this reads is within asSentryShape's depth, and a `null` member counts as left out. The
 * event itself is not copied: what passes is read as it is by fromSentry, which reads `null` as
 * absent. `exception: [...]` (the older shape) does not pass here; asSentryShape wraps it.
 */
export function isSentryEventWithNulls(v: Record<string, unknown>): boolean {
  return checkEventWithNulls(v);
}

/** Deep enough for every field the Sentry schema reads: event → exception → values → [i] → stacktrace → frames → [i] → field. */
const NULL_DEPTH = 8;

/** The event without `null` members (copied only where it has some), `exception: [...]` wrapped. */
export function asSentryShape(event: Record<string, unknown>, mayHaveNulls = true): Record<string, unknown> {
  const out = mayHaveNulls ? (withoutNulls(event, NULL_DEPTH) as Record<string, unknown>) : event;
  return Array.isArray(out.exception) ? { ...out, exception: { values: out.exception } } : out;
}

function withoutNulls(value: unknown, depth: number): unknown {
  if (depth === 0 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const w = withoutNulls(v, depth - 1);
      if (w !== v) (copy ??= value.slice())[i] = w;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let changed = false;
  const values: unknown[] = new Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const v = record[keys[k] as string];
    const w = v === null ? null : withoutNulls(v, depth - 1);
    values[k] = w;
    if (w !== v || v === null) changed = true;
  }
  if (!changed) return value;
  // A new object with the non-null members: `delete` on a copy would slow every later read of it.
  const out: Record<string, unknown> = {};
  for (let k = 0; k < keys.length; k++) if (values[k] !== null) out[keys[k] as string] = values[k];
  return out;
}
