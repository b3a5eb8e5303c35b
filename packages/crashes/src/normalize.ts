import type * as z from 'zod';
import { crashReportSchema } from './crash-report-schema';
import {
  fromApp,
  fromSentry,
  normalizeChecked,
  TraceCache,
  type Normalized,
  type Unchecked,
} from './report-normalize';
import { sentryEventSchema } from './sentry-event-schema';

export {
  asSentryShape,
  type Crash,
  type Frame,
  MAX_MESSAGE,
  MAX_TYPE,
  type Normalized,
  parseIsoTimestamp,
  SAMPLE_FRAMES,
  TraceCache,
  UNKNOWN_VERSION,
} from './report-normalize';

/**
 * Reads one JSON value as an app report or a Sentry event; anything else is rejected with why.
 * The plain checks take nearly every report; the zod schemas decide, and explain, the rest.
 */
export function normalizeReport(
  value: unknown,
  appPackages: readonly string[],
  traces: TraceCache = new TraceCache(appPackages),
  /** The value's JSON text, when known: without a `null` in it, a Sentry event has none to strip. */
  text?: string,
): Normalized {
  const checked = normalizeChecked(value, appPackages, traces, text);
  return 'unchecked' in checked ? bySchema(checked, appPackages, traces) : checked;
}

/** What the plain checks did not accept, decided by the zod schema. */
export function bySchema(
  { unchecked, sentry }: Unchecked,
  appPackages: readonly string[],
  traces: TraceCache,
): Normalized {
  if (sentry) {
    const parsed = sentryEventSchema.safeParse(unchecked);
    if (!parsed.success) return { rejected: `Sentry event: ${describeIssue(parsed.error)}` };
    return fromSentry(parsed.data, appPackages, traces.keepTop);
  }
  const parsed = crashReportSchema.safeParse(unchecked);
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
