import {
  describeGitHubError,
  toRunInfo,
  type ApiWorkflow,
  type GitHubClient,
  type IncidentIssue,
  type RunInfo,
} from '@sre-toolkit/github';
import { workflowLabel } from './context';
import { longestGapMinutes, parseCron, type Cron } from './cron';
import {
  parseSilentState,
  scheduledRunSource,
  silenceOf,
  silentChange,
  type SilentChange,
  type SilentState,
} from './silent';
import type { ScheduleReader } from './workflow-file';

/**
 * The read side of silent monitors, in a scheduled scan: which workflows are scheduled, their
 * schedule's longest gap, and their newest scheduled run. Cost (issue #14: at most one request per
 * scheduled workflow): one file read per workflow that may be scheduled (it had scheduled runs in
 * the scan's listing, is disabled, is named in `workflows`, or has an open silent issue). Its newest
 * scheduled run comes from what the scan read when that can decide: the scan's listing, how far
 * back it reached, and what an open issue remembers. Only a workflow those cannot decide asks
 * GitHub (one listing of its scheduled runs; one repository-wide page shared when several ask).
 */

export interface SilentLook {
  readonly workflow: { readonly id: number; readonly name: string; readonly path: string };
  readonly crons: readonly string[];
  readonly periodMinutes?: number;
  /** The silence now; undefined: it runs as scheduled. */
  readonly silence?: SilentState;
  readonly change: SilentChange;
  /** What the open issue remembered. */
  readonly known?: SilentState;
  readonly issue?: IncidentIssue;
  /** The newest scheduled run seen. */
  readonly lastRun?: Pick<RunInfo, 'createdAt' | 'url'>;
}

export const silentKey = (workflowId: number) => `repeated-failure/silent/${workflowId}`;

export interface SilentScanConfig {
  readonly owner: string;
  readonly repo: string;
  readonly workflows: readonly string[];
  readonly staleAfter: number;
  readonly now: Date;
  readonly matches: (w: { name: string; path: string }, wanted: string) => boolean;
  readonly isSelf: (w: ApiWorkflow) => boolean;
  /** No issues: nothing remembers an alert, so silences are reported (summary, warning), never sent. */
  readonly stateless: boolean;
}

const DISABLED = new Set(['disabled_inactivity', 'disabled_manually']);
const WATCHED_STATES = new Set(['active', ...DISABLED]);

/** The longest gap of the crons that parse (undefined: none fires), and the first one's error. */
function periodOf(crons: readonly string[]): { periodMinutes?: number; error?: string } {
  const parsed = crons.map(parseCron);
  const bad = parsed.find((p): p is { error: string } => 'error' in p);
  const valid = parsed.filter((p): p is Cron => !('error' in p));
  return {
    ...(valid.length ? { periodMinutes: longestGapMinutes(valid) } : {}),
    ...(bad ? { error: bad.error } : {}),
  };
}

/**
 * Where the scan's listing of a workflow's default branch starts, for a schedule whose
 * stale-after × longest gap is longer than the lookback (weekly ones with the defaults), when the
 * scan already knows it will read that workflow's file (named in `workflows`, or an open silent
 * issue): that far back, the listing it makes anyway holds its last scheduled run when that fits
 * on the pages it reads (the scan stops at the first page past the lookback), instead of one more
 * request. The file read is the one silent monitors make anyway (cached for the scan).
 */
export async function silentListingStarts(
  config: SilentScanConfig,
  workflows: readonly { readonly id: number; readonly name: string; readonly path: string }[],
  issues: ReadonlyMap<string, IncidentIssue>,
  read: ScheduleReader,
  since: string,
): Promise<Map<number, string>> {
  const starts = new Map<number, string>();
  for (const w of workflows) {
    if (!config.workflows.length && !issues.has(silentKey(w.id))) continue;
    const schedule = await read(w.path);
    const { periodMinutes } = 'crons' in schedule ? periodOf(schedule.crons) : {};
    if (periodMinutes === undefined) continue;
    const start = config.now.getTime() - periodMinutes * config.staleAfter * 60_000;
    if (Number.isFinite(start) && start < Date.parse(since) && start > 0)
      starts.set(w.id, new Date(start).toISOString());
  }
  return starts;
}

/** Runs of the default branch (where schedules run) per workflow; every branch when it is unknown. */
export function scheduledBranchRuns(
  targets: readonly {
    readonly workflow: { readonly id: number };
    readonly branch: string;
    readonly runs: readonly RunInfo[];
  }[],
  defaultBranch: string | undefined,
): Map<number, RunInfo[]> {
  const map = new Map<number, RunInfo[]>();
  for (const t of targets) {
    if (defaultBranch && t.branch !== defaultBranch) continue;
    map.set(t.workflow.id, [...(map.get(t.workflow.id) ?? []), ...t.runs]);
  }
  return map;
}

/** What the scan read that silence is judged from. */
export interface SilentInputs {
  readonly all: readonly ApiWorkflow[];
  /** Completed runs the scan listed on the default branch within the lookback, per workflow id. */
  readonly listed: ReadonlyMap<number, readonly RunInfo[]>;
  /** The newest scheduled run older than the lookback, where a listing reached further back. */
  readonly olderScheduled?: ReadonlyMap<number, RunInfo>;
  /**
   * Per workflow id: the scan's listing of its default branch held every completed run created at
   * or after this time (ISO): the lookback's start, or less when the listing stopped early.
   */
  readonly coveredFrom: ReadonlyMap<number, string>;
  /** Where the scan's lookback began (ISO). */
  readonly lookbackFrom: string;
  readonly issues: ReadonlyMap<string, IncidentIssue>;
  readonly read: ScheduleReader;
}

type Scheduled = Pick<RunInfo, 'createdAt' | 'url' | 'conclusion'>;

/** One scheduled workflow, its file read, before its newest scheduled run is settled. */
interface Candidate {
  readonly w: ApiWorkflow;
  readonly name: string;
  readonly issue?: IncidentIssue;
  readonly known?: SilentState;
  readonly runs: readonly RunInfo[];
  readonly crons: readonly string[];
  readonly periodMinutes?: number;
  newest?: Scheduled;
  noRunSince?: string;
  ask: boolean;
}

export async function lookSilent(
  client: GitHubClient,
  config: SilentScanConfig,
  inputs: SilentInputs,
  warnings: string[],
): Promise<SilentLook[]> {
  const { all } = inputs;
  const selected = config.workflows.length
    ? all.filter((w) => config.workflows.some((wanted) => config.matches(w, wanted)))
    : all.filter((w) => WATCHED_STATES.has(w.state) && !config.isSelf(w));
  const candidates: Candidate[] = [];
  for (const w of selected) {
    const candidate = await candidateOf(config, inputs, w, warnings);
    if (candidate) candidates.push(candidate);
  }
  await settleAsks(
    client,
    config,
    inputs.lookbackFrom,
    candidates.filter((c) => c.ask),
    warnings,
  );
  // One still asking could not be judged (a warning says so).
  return candidates.filter((c) => !c.ask).map((c) => lookOf(config, c));
}

/** A workflow that may be scheduled: its file read, and where its newest scheduled run comes from. */
async function candidateOf(
  config: SilentScanConfig,
  inputs: SilentInputs,
  w: ApiWorkflow,
  warnings: string[],
): Promise<Candidate | undefined> {
  const issue = inputs.issues.get(silentKey(w.id));
  const known = issue ? parseSilentState(issue.state) : undefined;
  const runs = [...(inputs.listed.get(w.id) ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const scheduledRun = runs.find((r) => r.event === 'schedule');
  const maybeScheduled =
    config.workflows.length > 0 || DISABLED.has(w.state) || scheduledRun !== undefined || known !== undefined;
  if (!maybeScheduled) return undefined;
  const name = workflowLabel(w.name, w.path, w.id);
  const schedule = await inputs.read(w.path);
  if ('error' in schedule) {
    // A file GitHub cannot read either ends its runs in startup_failure: that still says silent.
    if (runs[0]?.conclusion !== 'startup_failure' || (!scheduledRun && !known)) {
      // Only named in `workflows`, with no sign of a schedule: nothing to say.
      if (scheduledRun || known || DISABLED.has(w.state))
        warnings.push(`Cannot tell whether ${name} runs on schedule: ${schedule.error}.`);
      return undefined;
    }
  }
  const crons = 'crons' in schedule ? schedule.crons : (known?.crons ?? []);
  if (!crons.length && !known) return undefined;
  const { periodMinutes, error } = periodOf(crons);
  if (error) warnings.push(`The schedule of ${name} does not parse: ${error}.`);
  const candidate: Candidate = {
    w,
    name,
    ...(issue ? { issue } : {}),
    ...(known ? { known } : {}),
    runs,
    crons,
    ...(periodMinutes !== undefined ? { periodMinutes } : {}),
    ask: false,
  };
  // Older runs settle when an active schedule last ran; a disabled one is silent by state, as it was.
  const newest = scheduledRun ?? (w.state === 'active' ? inputs.olderScheduled?.get(w.id) : undefined);
  if (newest) return { ...candidate, newest };
  const coveredFrom = inputs.coveredFrom.get(w.id);
  return withSource(candidate, config, inputs.lookbackFrom, coveredFrom);
}

/** The candidate with its newest scheduled run decided from a listing reaching back to `coveredFrom`, or asking. */
function withSource(
  c: Candidate,
  config: SilentScanConfig,
  lookbackFrom: string,
  coveredFrom: string | undefined,
): Candidate {
  const source = scheduledRunSource({
    state: c.w.state,
    ...(c.periodMinutes !== undefined ? { periodMinutes: c.periodMinutes } : {}),
    staleAfter: config.staleAfter,
    createdAt: c.w.created_at,
    ...(coveredFrom !== undefined ? { coveredFrom } : {}),
    lookbackFrom,
    ...(c.known ? { known: c.known } : {}),
    now: config.now,
  });
  if (source === 'ask') return { ...c, ask: true };
  return { ...c, ask: false, ...(source.noRunSince ? { noRunSince: source.noRunSince } : {}) };
}

/**
 * The newest scheduled run of each workflow the scan could not decide: one listing for one
 * workflow; for several, one repository-wide page of scheduled runs serves them all, and only a
 * workflow it can decide nothing about (its runs are older than the page) is asked on its own.
 * A failed request is a warning for each workflow it leaves asking.
 */
async function settleAsks(
  client: GitHubClient,
  config: SilentScanConfig,
  lookbackFrom: string,
  asks: readonly Candidate[],
  warnings: string[],
): Promise<void> {
  let alone = asks;
  if (asks.length > 1) {
    let page: Awaited<ReturnType<typeof scheduledRunsOfRepo>>;
    try {
      page = await scheduledRunsOfRepo(client, config);
    } catch (error) {
      for (const c of asks) warnings.push(cannotTell(c.name, error));
      return;
    }
    for (const c of asks) {
      const run = page.runs.find((r) => r.workflowId === c.w.id);
      if (run) Object.assign(c, { ask: false, newest: run });
      else if (page.complete) c.ask = false;
      else Object.assign(c, withSource(c, config, lookbackFrom, page.coveredFrom));
    }
    alone = asks.filter((c) => c.ask);
  }
  for (const c of alone) {
    try {
      const run = await newestScheduled(client, config, c.w.id);
      Object.assign(c, { ask: false }, run ? { newest: run } : {});
    } catch (error) {
      // The streak scan stands on its own: a silence that cannot be judged is a warning.
      warnings.push(cannotTell(c.name, error));
    }
  }
}

const cannotTell = (name: string, error: unknown) =>
  `Cannot tell whether ${name} runs on schedule: ${describeGitHubError(error, `listing its scheduled runs`, 'actions: read')}`;

function lookOf(config: SilentScanConfig, c: Candidate): SilentLook {
  const { w, name, known, issue, crons, periodMinutes, newest } = c;
  const silence = crons.length
    ? silenceOf({
        workflow: { id: w.id, name, path: w.path, state: w.state },
        createdAt: w.created_at,
        crons,
        ...(periodMinutes !== undefined ? { periodMinutes } : {}),
        staleAfter: config.staleAfter,
        ...(c.runs[0] ? { newestRun: c.runs[0] } : {}),
        ...(newest ? { newestScheduledRun: newest } : {}),
        ...(c.noRunSince ? { noRunSince: c.noRunSince } : {}),
        ...(known ? { known } : {}),
        now: config.now,
      })
    : undefined;
  return {
    workflow: { id: w.id, name, path: w.path },
    crons,
    ...(periodMinutes !== undefined ? { periodMinutes } : {}),
    ...(silence ? { silence } : {}),
    change: config.stateless ? 'none' : silentChange(known, silence),
    ...(known ? { known } : {}),
    ...(issue ? { issue } : {}),
    ...(newest ? { lastRun: newest } : {}),
  };
}

/** The newest run a schedule started, any status: one request, for a workflow whose runs left the lookback. */
async function newestScheduled(
  client: GitHubClient,
  config: SilentScanConfig,
  workflowId: number,
): Promise<RunInfo | undefined> {
  const { data } = await client.rest.actions.listWorkflowRuns({
    owner: config.owner,
    repo: config.repo,
    workflow_id: workflowId,
    event: 'schedule',
    per_page: 1,
    exclude_pull_requests: true,
  });
  const run = data.workflow_runs[0];
  return run ? toRunInfo(run) : undefined;
}

/** Page size of the repository-wide listing: GitHub's largest. */
const REPO_PAGE = 100;

/**
 * The newest scheduled runs of the whole repository, any status: one request. `complete`: that was
 * all of them; else `coveredFrom`: every scheduled run created after the page's oldest is in it.
 */
async function scheduledRunsOfRepo(
  client: GitHubClient,
  config: SilentScanConfig,
): Promise<{ runs: RunInfo[]; complete: boolean; coveredFrom?: string }> {
  const { data } = await client.rest.actions.listWorkflowRunsForRepo({
    owner: config.owner,
    repo: config.repo,
    event: 'schedule',
    per_page: REPO_PAGE,
    exclude_pull_requests: true,
  });
  const runs = data.workflow_runs.map(toRunInfo);
  const oldest = runs.at(-1);
  // Runs created at the same instant as the oldest may continue on the next page.
  return data.total_count <= runs.length || !oldest
    ? { runs, complete: true }
    : { runs, complete: false, coveredFrom: new Date(Date.parse(oldest.createdAt) + 1).toISOString() };
}
