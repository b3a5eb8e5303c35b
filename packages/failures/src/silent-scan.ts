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
import { parseSilentState, silenceOf, silentChange, type SilentChange, type SilentState } from './silent';
import type { ScheduleReader } from './workflow-file';

/**
 * The read side of silent monitors, in a scheduled scan: which workflows are scheduled, their
 * schedule's longest gap, and their newest scheduled run. Cost: one file read per workflow that
 * may be scheduled (it had scheduled runs in the scan's listing, is disabled, is named in
 * `workflows`, or has an open silent issue), and one run listing only for a scheduled workflow
 * without a scheduled run in the scan's lookback.
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

export async function lookSilent(
  client: GitHubClient,
  config: SilentScanConfig,
  all: readonly ApiWorkflow[],
  /** Completed runs the scan listed, per workflow id, newest first. */
  listed: ReadonlyMap<number, readonly RunInfo[]>,
  issues: ReadonlyMap<string, IncidentIssue>,
  read: ScheduleReader,
  warnings: string[],
): Promise<SilentLook[]> {
  const selected = config.workflows.length
    ? all.filter((w) => config.workflows.some((wanted) => config.matches(w, wanted)))
    : all.filter((w) => WATCHED_STATES.has(w.state) && !config.isSelf(w));
  const looks: SilentLook[] = [];
  for (const w of selected) {
    const issue = issues.get(silentKey(w.id));
    const known = issue ? parseSilentState(issue.state) : undefined;
    const runs = [...(listed.get(w.id) ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const scheduledRun = runs.find((r) => r.event === 'schedule');
    const maybeScheduled =
      config.workflows.length > 0 ||
      DISABLED.has(w.state) ||
      scheduledRun !== undefined ||
      known !== undefined;
    if (!maybeScheduled) continue;
    const name = workflowLabel(w.name, w.path, w.id);
    const schedule = await read(w.path);
    if ('error' in schedule) {
      // A file GitHub cannot read either ends its runs in startup_failure: that still says silent.
      if (runs[0]?.conclusion !== 'startup_failure' || (!scheduledRun && !known)) {
        // Only named in `workflows`, with no sign of a schedule: nothing to say.
        if (scheduledRun || known || DISABLED.has(w.state))
          warnings.push(`Cannot tell whether ${name} runs on schedule: ${schedule.error}.`);
        continue;
      }
    }
    const crons = 'crons' in schedule ? schedule.crons : (known?.crons ?? []);
    if (!crons.length && !known) continue;
    const parsed = crons.map(parseCron);
    const bad = parsed.find((p): p is { error: string } => 'error' in p);
    if (bad) warnings.push(`The schedule of ${name} does not parse: ${bad.error}.`);
    const valid = parsed.filter((p): p is Cron => !('error' in p));
    const periodMinutes = valid.length ? longestGapMinutes(valid) : undefined;
    // Not in the listing (older than the lookback, or past where the listing stopped): ask once.
    let newestScheduledRun: Pick<RunInfo, 'createdAt' | 'url' | 'conclusion'> | undefined = scheduledRun;
    if (!newestScheduledRun && w.state === 'active' && periodMinutes !== undefined) {
      try {
        newestScheduledRun = await newestScheduled(client, config, w.id);
      } catch (error) {
        // The streak scan stands on its own: a silence that cannot be judged is a warning.
        warnings.push(
          `Cannot tell whether ${name} runs on schedule: ${describeGitHubError(error, `listing its scheduled runs`, 'actions: read')}`,
        );
        continue;
      }
    }
    const silence = crons.length
      ? silenceOf({
          workflow: { id: w.id, name, path: w.path, state: w.state },
          createdAt: w.created_at,
          crons,
          ...(periodMinutes !== undefined ? { periodMinutes } : {}),
          staleAfter: config.staleAfter,
          ...(runs[0] ? { newestRun: runs[0] } : {}),
          ...(newestScheduledRun ? { newestScheduledRun } : {}),
          ...(known ? { known } : {}),
          now: config.now,
        })
      : undefined;
    looks.push({
      workflow: { id: w.id, name, path: w.path },
      crons,
      ...(periodMinutes !== undefined ? { periodMinutes } : {}),
      ...(silence ? { silence } : {}),
      change: config.stateless ? 'none' : silentChange(known, silence),
      ...(known ? { known } : {}),
      ...(issue ? { issue } : {}),
      ...(newestScheduledRun ? { lastRun: newestScheduledRun } : {}),
    });
  }
  return looks;
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
