import {
  getRunAttempt,
  listIncidentIssues,
  listWorkflows,
  type ApiWorkflow,
  type GitHubClient,
  type IncidentIssue,
  type RunInfo,
} from '@sre-toolkit/github';
import { workflowLabel, type TriggerRun } from './context';
import type { StreakEvent } from './decide';
import { flakeCandidates, flakeOf, type Flake } from './flaky';
import type { RateStats, RateState } from './rate';
import { listGroup } from './scan-listing';
import {
  lookSilent,
  scheduledBranchRuns,
  silentListingStarts,
  type SilentLook,
  type SilentScanConfig,
} from './silent-scan';
import { scheduleReader } from './workflow-file';
import type { StreakAnalysis } from './streaks';
import { groupByBranch, look, withRun } from './target-look';

/**
 * The read side of the detector: which workflows and branches to look at, their runs (as few
 * requests as the answer needs), the open incident issues, and what each look means. No writes.
 */

export interface ScanConfig {
  readonly owner: string;
  readonly repo: string;
  /** Names, file names or paths; empty: every active workflow but the detector's own. */
  readonly workflows: readonly string[];
  /** Empty: the default branch; `['*']`: every branch. */
  readonly branches: readonly string[];
  readonly threshold: number;
  readonly failing: ReadonlySet<string>;
  readonly lookbackMs: number;
  readonly flaky: boolean;
  readonly failureRate?: number;
  readonly minRuns: number;
  readonly remindEvery?: number;
  readonly issue: boolean;
  readonly issueLabel: string;
  readonly now: Date;
  /** The repository's default branch when the event payload told us (saves a request). */
  readonly defaultBranch?: string;
  /** `workflow_run` mode: the completed run that triggered us. */
  readonly trigger?: TriggerRun;
  /** The detector's own workflow, left out of a scan (and used to find the previous scan). */
  readonly self?: { readonly path?: string; readonly name?: string; readonly runId?: number };
  /**
   * Scheduled scans: look for silent monitors (scheduled workflows disabled, stale by this many
   * times their schedule's longest gap, or not starting). Undefined: off.
   */
  readonly staleAfter?: number;
  /** At most this many re-runs are checked for flakiness per scan (one request each). Default 3. */
  readonly maxFlakeChecks?: number;
}

export interface WorkflowRef {
  readonly id: number;
  readonly name: string;
  readonly path: string;
}

/** One workflow and branch, looked at. */
export interface Target {
  readonly workflow: WorkflowRef;
  readonly branch: string;
  /** Completed runs in the lookback window that were fetched, newest first. */
  readonly runs: readonly RunInfo[];
  readonly analysis: StreakAnalysis;
  readonly events: StreakEvent[];
  readonly streakIssue?: IncidentIssue;
  readonly rate?: RateLook;
  readonly flakes: Flake[];
  /** The listing hit GitHub's 1,000-result cap: counts may be lower bounds. */
  readonly capped: boolean;
}

export interface RateLook {
  readonly stats: RateStats;
  readonly firing: boolean;
  /** 'fire' and 'clear' send a message; 'none' does not. */
  readonly change: 'fire' | 'clear' | 'none';
  readonly state: RateState;
  readonly issue?: IncidentIssue;
}

export interface ScanResult {
  readonly targets: Target[];
  readonly warnings: string[];
  /** Scheduled scan without issues: runs created after this are new (the previous scan's start). */
  readonly windowStart?: string;
  readonly defaultBranch?: string;
  readonly flakeChecksSkipped: number;
  /** An open issue carries the label already, so it exists. */
  readonly labelExists: boolean;
  /** Runs left out because their code came from a fork (a pull request's `main` is not ours). */
  readonly forkRuns: number;
  /** Scheduled workflows looked at for silence (scheduled scans with `stale` on). */
  readonly silent: SilentLook[];
  /** Schedules that could not be read or parsed. */
  readonly silentWarnings: string[];
}

/** Flaky re-runs checked per scan: with 20 workflows, 22 reads + 3 stays within 25. */
export const DEFAULT_FLAKE_CHECKS = 3;

export { rateKey, streakKey } from './target-look';

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Matches a `workflows` entry: display name, file name (`ci.yml`) or path (`.github/workflows/ci.yml`). */
export function matchesWorkflow(w: { name: string; path: string }, wanted: string): boolean {
  const t = wanted.trim();
  return w.name === t || w.path === t || basename(w.path) === t;
}

export async function scan(client: GitHubClient, config: ScanConfig): Promise<ScanResult> {
  const repo = { owner: config.owner, repo: config.repo };
  const warnings: string[] = [];
  const since = new Date(config.now.getTime() - config.lookbackMs).toISOString();

  // Which workflows.
  const all = config.trigger ? undefined : await listWorkflows(client, repo);
  const workflows = all
    ? selectWorkflows(config, all, warnings)
    : await triggerSelection(client, config, config.trigger);

  // Which branches.
  const everyBranch = config.branches.includes('*');
  let defaultBranch = config.defaultBranch;
  let branches: string[] = [...config.branches];
  if (!branches.length) {
    if (!defaultBranch && workflows.length) {
      const { data } = await client.rest.repos.get(repo);
      defaultBranch = data.default_branch;
    }
    branches = defaultBranch ? [defaultBranch] : [];
  }
  if (config.trigger) {
    const branch = config.trigger.run.branch;
    branches = branch && (everyBranch || branches.includes(branch)) ? [branch] : [];
  }

  // What we already know: open incident issues, one listing for every workflow.
  const silentOn = config.staleAfter !== undefined && !config.trigger;
  const silentWarnings: string[] = [];
  const issues =
    config.issue && ((workflows.length && branches.length) || silentOn)
      ? await listIncidentIssues(client, {
          ...repo,
          label: config.issueLabel,
          keyPrefix: 'repeated-failure/',
        })
      : new Map<string, IncidentIssue>();

  // Without issues, a scheduled scan calls "new" what happened since the previous scan started.
  let windowStart: string | undefined;
  if (!config.issue && !config.trigger && workflows.length && branches.length) {
    windowStart = await previousScanStart(client, config, all ?? []);
  }

  const targets: Target[] = [];
  // Silent monitors: schedules longer than the lookback list their default branch further back.
  const read = scheduleReader(client, repo, defaultBranch);
  const widen =
    silentOn && all
      ? await silentListingStarts(silentConfig(config), workflows, issues, read, since)
      : undefined;
  const coveredFrom = new Map<number, string>();
  const olderScheduled = new Map<number, RunInfo>();
  let forkRuns = 0;
  for (const workflow of workflows) {
    if (!branches.length) break;
    const groups: { branch?: string }[] =
      everyBranch && !config.trigger ? [{}] : branches.map((b) => ({ branch: b }));
    for (const group of groups) {
      const onDefault = !group.branch || group.branch === defaultBranch;
      const from = (onDefault && widen?.get(workflow.id)) || since;
      const listing = await listGroup(client, config, issues, workflow.id, group.branch, { since, from });
      forkRuns += listing.forkRuns;
      if (listing.reach && onDefault) coveredFrom.set(workflow.id, listing.reach);
      if (listing.older && onDefault) olderScheduled.set(workflow.id, listing.older);
      const own = listing.runs;
      // The triggering run may not be listed yet (the listing lags the webhook): add it.
      const trig = config.trigger?.run;
      const listed = trig && !own.some((r) => r.id === trig.id) ? withRun(own, trig) : own;
      const byBranch = groupByBranch(listed, group.branch);
      // Branches with an open issue but no runs in the window still need a look (to stay quiet).
      for (const [branch, runs] of byBranch) {
        const flakes: Flake[] = [];
        targets.push(look(config, workflow, branch, runs, issues, flakes, listing.capped, windowStart));
      }
    }
  }
  const flakeChecksSkipped = config.flaky ? await checkFlakes(client, config, targets) : 0;
  const silent =
    silentOn && all
      ? await lookSilent(
          client,
          silentConfig(config),
          {
            all,
            listed: scheduledBranchRuns(targets, defaultBranch),
            olderScheduled,
            coveredFrom,
            lookbackFrom: since,
            issues,
            read,
          },
          silentWarnings,
        )
      : [];
  return {
    targets,
    silent,
    silentWarnings,
    warnings,
    flakeChecksSkipped,
    labelExists: issues.size > 0,
    forkRuns,
    ...(windowStart ? { windowStart } : {}),
    ...(defaultBranch ? { defaultBranch } : {}),
  };
}

/**
 * Flaky re-runs: one request each to read the attempt before, so the newest few across all
 * workflows are checked (the budget), in workflow_run mode only the triggering run. Returns how
 * many were left unchecked.
 */
async function checkFlakes(
  client: GitHubClient,
  config: ScanConfig,
  targets: readonly Target[],
): Promise<number> {
  const candidates = targets
    .flatMap((t) =>
      (config.trigger ? flakeCandidates([config.trigger.run]) : flakeCandidates(t.runs)).map((run) => ({
        t,
        run,
      })),
    )
    .sort((a, b) => b.run.createdAt.localeCompare(a.run.createdAt));
  const limit = config.maxFlakeChecks ?? DEFAULT_FLAKE_CHECKS;
  const repo = { owner: config.owner, repo: config.repo };
  for (const { t, run } of candidates.slice(0, limit)) {
    const previous = await getRunAttempt(client, repo, run.id, run.runAttempt - 1);
    const flake = flakeOf(
      { ...run, workflowName: run.workflowName || t.workflow.name },
      previous,
      config.failing,
    );
    if (flake) t.flakes.push(flake);
  }
  return Math.max(0, candidates.length - limit);
}

/**
 * The triggering run's workflow. A payload without its name or path (they are optional, and the
 * name may be empty) costs one request to ask GitHub; if that fails too, the workflow is named by
 * its file name, or its id.
 */
async function triggerWorkflow(
  client: GitHubClient,
  config: ScanConfig,
  t: TriggerRun,
): Promise<WorkflowRef> {
  const ref = { id: t.run.workflowId, name: t.run.workflowName, path: t.workflowPath };
  if (ref.name && ref.path) return ref;
  try {
    const { data } = await client.rest.actions.getWorkflow({
      owner: config.owner,
      repo: config.repo,
      workflow_id: ref.id,
    });
    const path = ref.path || data.path;
    return { id: ref.id, name: workflowLabel(ref.name || data.name, path, ref.id), path };
  } catch {
    return { id: ref.id, name: workflowLabel(ref.name, ref.path, ref.id), path: ref.path };
  }
}

const isSelf = (config: ScanConfig, w: { name: string; path: string }) =>
  config.self?.path ? w.path === config.self.path : w.name === config.self?.name;

/** A scheduled scan's workflows: those named in `workflows` (a warning per unknown name), else every active one but ours. */
function selectWorkflows(config: ScanConfig, all: readonly ApiWorkflow[], warnings: string[]): WorkflowRef[] {
  let workflows: ApiWorkflow[] = [];
  if (config.workflows.length) {
    for (const wanted of config.workflows) {
      const found = all.filter((w) => matchesWorkflow(w, wanted));
      if (!found.length) {
        const known = all.map((w) => `${w.name} (${basename(w.path)})`).join(', ');
        warnings.push(
          `Workflow "${wanted}" is not in ${config.owner}/${config.repo}; use a workflow name or file name (known: ${known || 'none'}).`,
        );
      }
      for (const w of found) if (!workflows.some((x) => x.id === w.id)) workflows.push(w);
    }
  } else {
    workflows = all.filter((w) => w.state === 'active' && !isSelf(config, w));
  }
  return workflows.map((w) => ({ id: w.id, name: workflowLabel(w.name, w.path, w.id), path: w.path }));
}

/** `workflow_run` mode: the triggering run's workflow, when it is selected. */
async function triggerSelection(
  client: GitHubClient,
  config: ScanConfig,
  trigger: TriggerRun | undefined,
): Promise<WorkflowRef[]> {
  if (!trigger) return [];
  const ref = await triggerWorkflow(client, config, trigger);
  return !config.workflows.length || config.workflows.some((w) => matchesWorkflow(ref, w)) ? [ref] : [];
}

/** What silent monitors need of the scan's configuration. */
const silentConfig = (config: ScanConfig): SilentScanConfig => ({
  owner: config.owner,
  repo: config.repo,
  workflows: config.workflows,
  staleAfter: config.staleAfter ?? 3,
  now: config.now,
  matches: matchesWorkflow,
  isSelf: (w) => isSelf(config, w),
  stateless: !config.issue,
});

/**
 * When the previous successful run of the detector's own workflow started: a stateless scan
 * treats what completed since as new. One request; undefined (everything is new) when there was none.
 */
async function previousScanStart(
  client: GitHubClient,
  config: ScanConfig,
  workflows: readonly ApiWorkflow[],
): Promise<string | undefined> {
  const self = workflows.find((w) =>
    config.self?.path ? w.path === config.self.path : w.name === config.self?.name,
  );
  if (!self) return undefined;
  // Only a scan that succeeded sent its alerts; after a failed one, its window is still open.
  const { data } = await client.rest.actions.listWorkflowRuns({
    owner: config.owner,
    repo: config.repo,
    workflow_id: self.id,
    status: 'success',
    per_page: 2,
    exclude_pull_requests: true,
  });
  const previous = data.workflow_runs.find((r) => r.id !== config.self?.runId);
  return previous?.run_started_at ?? previous?.created_at;
}
