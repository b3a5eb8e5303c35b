import type { RunInfo } from '@sre-toolkit/github';

/**
 * Silent monitors: a scheduled workflow that stopped running says nothing by itself. GitHub
 * disables a schedule after 60 days without repository activity, drops or delays scheduled runs
 * when busy, and never starts a workflow whose file it cannot read. Pure: what was seen in, the
 * silence (or none) out; the scan gathers, the incident writer records.
 */

export type SilentReason = 'disabled_inactivity' | 'disabled_manually' | 'stale' | 'startup_failure';

/** What the detector remembers about a silent workflow, in its issue marker. Snake case: JSON a person may read. */
export interface SilentState {
  readonly kind: 'silent';
  readonly workflow: string;
  readonly workflow_id: number;
  readonly path: string;
  readonly reason: SilentReason;
  /** When the silence was first seen. */
  readonly since: string;
  /** The newest scheduled run known (ISO), if any. */
  readonly last_run_at?: string;
  readonly last_run_url?: string;
  /**
   * Without `last_run_at`: no scheduled run was created at or after this time (ISO), and older ones
   * were not looked up (the scan's listing reached back this far; the silence is at least this long).
   */
  readonly no_run_since?: string;
  /** The schedule's crons and its longest gap between firings. */
  readonly crons: readonly string[];
  readonly period_minutes?: number;
  /** stale-after × period: a workflow whose last scheduled run is older is silent. */
  readonly stale_after_minutes?: number;
}

export function parseSilentState(value: Record<string, unknown>): SilentState | undefined {
  if (value.kind !== 'silent') return undefined;
  const reasons = ['disabled_inactivity', 'disabled_manually', 'stale', 'startup_failure'];
  if (
    typeof value.workflow !== 'string' ||
    typeof value.workflow_id !== 'number' ||
    typeof value.since !== 'string' ||
    !reasons.includes(String(value.reason))
  )
    return undefined;
  // Written by us, but an issue body can be edited: only a time passes, as a time.
  const { no_run_since: noRunSince, ...rest } = value;
  const since = typeof noRunSince === 'string' ? Date.parse(noRunSince) : NaN;
  return {
    path: '',
    crons: [],
    ...rest,
    ...(Number.isFinite(since) ? { no_run_since: new Date(since).toISOString() } : {}),
  } as unknown as SilentState;
}

export interface SilenceInput {
  readonly workflow: {
    readonly id: number;
    readonly name: string;
    readonly path: string;
    readonly state: string;
  };
  /** When the workflow was created (or last changed): the start of the wait for a first run. */
  readonly createdAt: string;
  readonly crons: readonly string[];
  /** Longest gap of the crons, minutes; undefined when they never fire or do not parse. */
  readonly periodMinutes?: number;
  readonly staleAfter: number;
  /** The newest completed run of any event, on the default branch. */
  readonly newestRun?: RunInfo;
  /** The newest scheduled run (event `schedule`), any status. */
  readonly newestScheduledRun?: Pick<RunInfo, 'createdAt' | 'url'>;
  /**
   * Without a newest scheduled run: none was created at or after this time (ISO), and older ones
   * were not looked up. Silent when that alone is longer than stale-after × the period.
   */
  readonly noRunSince?: string;
  readonly known?: SilentState;
  readonly now: Date;
}

/** The silence of one scheduled workflow, or undefined when it runs as its schedule says. */
export function silenceOf(i: SilenceInput): SilentState | undefined {
  const { workflow } = i;
  const lastAt = i.newestScheduledRun?.createdAt ?? i.known?.last_run_at;
  // A run older than where the look began would be at or after the workflow's creation.
  const noRunSince =
    i.noRunSince && Date.parse(i.createdAt) < Date.parse(i.noRunSince) ? i.noRunSince : undefined;
  const base = {
    kind: 'silent' as const,
    workflow: workflow.name,
    workflow_id: workflow.id,
    path: workflow.path,
    crons: i.crons,
    ...(i.periodMinutes !== undefined
      ? { period_minutes: i.periodMinutes, stale_after_minutes: Math.round(i.periodMinutes * i.staleAfter) }
      : {}),
    ...(lastAt ? { last_run_at: lastAt } : {}),
    ...(!lastAt && noRunSince ? { no_run_since: noRunSince } : {}),
    ...(i.newestScheduledRun?.url
      ? { last_run_url: i.newestScheduledRun.url }
      : i.known?.last_run_url
        ? { last_run_url: i.known.last_run_url }
        : {}),
  };
  const silent = (reason: SilentReason): SilentState => ({
    ...base,
    reason,
    since: i.known?.since ?? i.now.toISOString(),
  });
  if (workflow.state === 'disabled_inactivity' || workflow.state === 'disabled_manually')
    return silent(workflow.state);
  if (i.newestRun?.conclusion === 'startup_failure') return silent('startup_failure');
  if (i.periodMinutes === undefined) return undefined;
  const limit = i.periodMinutes * i.staleAfter * 60_000;
  // No run at or after noRunSince: the last one (if any) is older, so silence reaches at least that far.
  if (!lastAt && noRunSince)
    return i.now.getTime() - Date.parse(noRunSince) >= limit ? silent('stale') : undefined;
  const from = Date.parse(lastAt ?? i.createdAt);
  return i.now.getTime() - from > limit ? silent('stale') : undefined;
}

export type SilentChange = 'open' | 'record' | 'close' | 'none';

/** What a look means against what the open issue remembers. */
export function silentChange(known: SilentState | undefined, now: SilentState | undefined): SilentChange {
  if (!known) return now ? 'open' : 'none';
  if (!now) return 'close';
  return now.reason !== known.reason || now.last_run_at !== known.last_run_at ? 'record' : 'none';
}

export interface RunSourceInput {
  readonly state: string;
  /** Longest gap of the crons; undefined when they never fire or do not parse. */
  readonly periodMinutes?: number;
  readonly staleAfter: number;
  /** When the workflow was created. */
  readonly createdAt: string;
  /**
   * A listing held every scheduled run of the workflow created at or after this time (ISO) and
   * none of them; undefined: no listing of its default branch to go by.
   */
  readonly coveredFrom?: string;
  /** Where the scan's lookback began: a listing reaching it read the whole window. */
  readonly lookbackFrom: string;
  readonly known?: SilentState;
  readonly now: Date;
}

/**
 * A scheduled workflow with no scheduled run in the scan's listing: can the scan decide its silence
 * from what it read (`{}`: nothing more than the open issue's memory; `noRunSince`: no run since
 * then, older ones unknown and not needed), or must it ask GitHub for its newest scheduled run?
 */
export function scheduledRunSource(i: RunSourceInput): { readonly noRunSince?: string } | 'ask' {
  if (i.state !== 'active' || i.periodMinutes === undefined) return {};
  if (i.coveredFrom === undefined) return 'ask';
  const from = Date.parse(i.coveredFrom);
  // Created since: every run it ever had was listed, and none was scheduled.
  if (Date.parse(i.createdAt) >= from) return {};
  // The issue remembers the newest scheduled run up to the scan that wrote it; a listing of the
  // whole lookback shows none since (the detector scans more often than its lookback).
  if (i.known && from <= Date.parse(i.lookbackFrom)) {
    if (i.known.last_run_at) return {};
    if (i.known.no_run_since) return { noRunSince: i.known.no_run_since };
  }
  // No scheduled run for stale-after × the period or longer: silent, whenever the last one was.
  if (i.now.getTime() - from >= i.periodMinutes * i.staleAfter * 60_000)
    return i.known?.last_run_at ? {} : { noRunSince: i.known?.no_run_since ?? i.coveredFrom };
  return 'ask';
}
