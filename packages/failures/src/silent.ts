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
  return { path: '', crons: [], ...value } as unknown as SilentState;
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
  readonly known?: SilentState;
  readonly now: Date;
}

/** The silence of one scheduled workflow, or undefined when it runs as its schedule says. */
export function silenceOf(i: SilenceInput): SilentState | undefined {
  const { workflow } = i;
  const lastAt = i.newestScheduledRun?.createdAt ?? i.known?.last_run_at;
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
  const from = Date.parse(lastAt ?? i.createdAt);
  const limit = i.periodMinutes * i.staleAfter * 60_000;
  return i.now.getTime() - from > limit ? silent('stale') : undefined;
}

export type SilentChange = 'open' | 'record' | 'close' | 'none';

/** What a look means against what the open issue remembers. */
export function silentChange(known: SilentState | undefined, now: SilentState | undefined): SilentChange {
  if (!known) return now ? 'open' : 'none';
  if (!now) return 'close';
  return now.reason !== known.reason || now.last_run_at !== known.last_run_at ? 'record' : 'none';
}
