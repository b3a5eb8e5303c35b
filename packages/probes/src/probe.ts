import { oneLine } from '@sre-toolkit/action';
import {
  checkJson,
  clip,
  DEFAULT_EXPECT_STATUS,
  checkStatus,
  checkText,
  matchDegraded,
} from './expectations';
import { declaredVerdict, failingComponents } from './health-bodies';
import type { Attempt, AttemptOutcome, PhaseTimings } from './http-attempt';
import { targetSecrets } from './masking';
import type { Target } from './targets';

export type ProbeStatus = 'up' | 'degraded' | 'down';

/** One target's verdict: the `results` output's items, and what reports and incidents are built from. */
export interface ProbeResult {
  readonly name: string;
  /** Credentials and secret query values masked. */
  readonly url: string;
  readonly status: ProbeStatus;
  readonly http_status: number | null;
  readonly response_ms: number | null;
  readonly attempts: number;
  /** Why it is down or degraded, in words; null when up. */
  readonly error: string | null;
  readonly cert_days_left: number | null;
  /** The last attempt's phases (dns, connect, tls, ttfb, total), to explain slowness. */
  readonly timings: PhaseTimings | null;
}

const DAY = 86_400_000;

/** Judges one attempt against the target's expectations. Pure. */
export function judge(
  target: Target,
  outcome: AttemptOutcome,
  now: Date,
): Omit<ProbeResult, 'attempts' | 'name' | 'url'> {
  if (outcome.kind === 'error') {
    return {
      status: 'down',
      http_status: null,
      response_ms: outcome.timings.total,
      error: outcome.error,
      cert_days_left: null,
      timings: outcome.timings,
    };
  }
  const certDaysLeft = outcome.certValidTo
    ? Math.floor((outcome.certValidTo.getTime() - now.getTime()) / DAY)
    : null;
  const base = {
    http_status: outcome.status,
    response_ms: outcome.timings.total,
    cert_days_left: certDaysLeft,
    timings: outcome.timings,
  };
  let doc: unknown;
  if (/json/i.test(outcome.contentType) || /^\s*[[{]/.test(outcome.body.slice(0, 64))) {
    try {
      doc = JSON.parse(outcome.body);
    } catch {
      doc = undefined;
    }
  }
  // A down verdict names the components the body says are failing: "db is DOWN", not only "got 503".
  const down = (error: string) => {
    const parts = failingComponents(outcome.body, doc);
    return {
      ...base,
      status: 'down' as const,
      error: parts.length ? `${error}; ${parts.join(', ')}` : error,
    };
  };
  const degradedBy = target.degradedWhen
    ? matchDegraded(target.degradedWhen, { status: outcome.status, body: outcome.body, doc })
    : undefined;
  const reasons: string[] = [];
  if (degradedBy) reasons.push(`degraded-when matched: ${degradedBy}`);
  const statusProblem = checkStatus(target.expectStatus, outcome.status);
  if (statusProblem && !degradedBy) return down(statusProblem);

  if (target.expectJson.length && !degradedBy) {
    if (doc === undefined) {
      const type = clip(oneLine(outcome.contentType.split(';')[0] ?? '').trim(), 60) || 'no content type';
      return down(
        `expected a JSON response, got ${outcome.body.trim() ? 'something else' : 'an empty body'} (${type})`,
      );
    }
    const jsonProblem = checkJson(target.expectJson, doc);
    if (jsonProblem) return down(jsonProblem);
  } else if (!target.expectJson.length && !degradedBy) {
    // Without expect-json, a body that declares its own health is believed (Spring's DOWN at 200).
    const declared = declaredVerdict(outcome.contentType, outcome.body, doc);
    if (declared?.status === 'down') return down(declared.reason);
    if (declared) reasons.push(declared.reason);
  }
  if (target.expectText && !degradedBy) {
    const textProblem = checkText(target.expectText, outcome.body);
    if (textProblem) return down(textProblem);
  }
  // A login page's 302 is not the service: under the default, a redirect answers but is not healthy.
  if (target.expectStatus === DEFAULT_EXPECT_STATUS && outcome.status >= 300 && outcome.status < 400) {
    reasons.push(
      `answered ${outcome.status}, a redirect (not followed); probe the final URL, or set expect-status to accept it`,
    );
  }
  if (target.maxResponseMs !== undefined && outcome.timings.total > target.maxResponseMs) {
    reasons.push(`slower than ${target.maxResponseMs} ms: took ${outcome.timings.total} ms`);
  }
  if (certDaysLeft !== null && certDaysLeft < target.certExpiryDays) {
    const day = outcome.certValidTo?.toISOString().slice(0, 10);
    reasons.push(
      certDaysLeft <= 0
        ? `certificate expires today (${day})`
        : `certificate expires in ${certDaysLeft} day${certDaysLeft === 1 ? '' : 's'} (${day})`,
    );
  }
  return reasons.length
    ? { ...base, status: 'degraded', error: reasons.join('; ') }
    : { ...base, status: 'up', error: null };
}

export interface ProbeOptions {
  readonly attempt: Attempt;
  readonly concurrency: number;
  /** Really waits between attempts; tests pass a recording stand-in. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
  /** Called after each failed attempt that will be retried. */
  readonly onRetry?: (target: Target, attempt: number, error: string) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Probes one target, retrying a down verdict `retries` times with the delay really awaited. */
export async function probeTarget(target: Target, options: ProbeOptions): Promise<ProbeResult> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? (() => new Date());
  const secrets = targetSecrets(target).sort((a, b) => b.length - a.length);
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await options.attempt({
      url: target.url,
      method: target.method,
      headers: target.headers,
      ...(target.body !== undefined ? { body: target.body } : {}),
      timeoutMs: target.timeoutMs,
    });
    const judged = judge(target, outcome, now());
    const verdict = { ...judged, error: judged.error === null ? null : shownError(judged.error, secrets) };
    // Slow is not broken: a degraded answer is an answer, and retrying it would only slow the run.
    if (verdict.status !== 'down' || attempts > target.retries) {
      return { name: target.name, url: target.displayUrl, attempts, ...verdict };
    }
    options.onRetry?.(target, attempts, verdict.error ?? '');
    if (target.retryDelayMs > 0) await sleep(target.retryDelayMs);
  }
}

/** Longest `error` a result carries: it is shown in titles, cells and log lines. */
const MAX_ERROR = 300;

/**
 * An error as every place may show it. It can quote the response (a JSON value, a content type),
 * which the server controls: one line, no control or invisible characters, capped, and the target's
 * own secrets masked even if the server echoes them back (Discord payloads are not redacted by the runner).
 */
function shownError(error: string, secrets: readonly string[]): string {
  let text = oneLine(error).trim();
  for (const s of secrets) text = text.split(s).join('***');
  return clip(text, MAX_ERROR);
}

/**
 * Probes every target, at most `concurrency` at a time; results keep the targets' order. One target
 * failing never stops another, so the run lasts about as long as the slowest target.
 */
export async function probeAll(targets: readonly Target[], options: ProbeOptions): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array<ProbeResult>(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index] as Target;
      results[index] = await probeTarget(target, options);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency, targets.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
