import { formatDuration, oneLine, type Runtime } from '@sre-toolkit/action';
import type { StreakState } from './decide';
import type { Detection, DetectorInputs } from './detector';
import { flakeOutputs } from './flaky';
import type { DetectorAlert } from './incidents';
import type { ScanResult } from './scan';
import { summaryMarkdown } from './summary';

// What the detector hands back to the workflow: outputs, job summary and annotations.

/** One entry of the `streaks` output. */
export interface StreakOutput {
  readonly workflow: string;
  readonly workflow_id: number;
  readonly branch: string;
  readonly count: number;
  readonly first_failed_at: string;
  readonly first_run_url: string;
  readonly first_sha: string;
  readonly last_run_url: string;
  readonly state: 'new' | 'ongoing' | 'recovered';
  readonly issue_url?: string;
  readonly fixed_by_url?: string;
  readonly fixed_by_sha?: string;
}

const stateOf = (kind: string): StreakOutput['state'] =>
  kind === 'new' ? 'new' : kind === 'recovered' ? 'recovered' : 'ongoing';

/** Streaks at or above the threshold, and those that recovered in this look. */
export function streakOutputs(scan: ScanResult, notifications: readonly DetectorAlert[]): StreakOutput[] {
  const out: StreakOutput[] = [];
  for (const t of scan.targets) {
    for (const e of t.events) {
      const s: StreakState = e.state;
      const sent = notifications.find(
        (n) =>
          n.target === t &&
          (e.kind === 'recovered' ? n.kind === 'recovery' : n.kind === 'alert' || n.kind === 'reminder'),
      );
      const issueUrl = sent?.issueUrl ?? t.streakIssue?.url;
      out.push({
        workflow: s.workflow,
        workflow_id: s.workflow_id,
        branch: s.branch,
        count: s.count,
        first_failed_at: s.first_failed_at,
        first_run_url: s.first_run_url,
        first_sha: s.first_sha,
        last_run_url: s.last_run_url,
        state: stateOf(e.kind),
        ...(issueUrl ? { issue_url: issueUrl } : {}),
        ...(e.kind === 'recovered' && e.fixedBy
          ? { fixed_by_url: e.fixedBy.url, fixed_by_sha: e.fixedBy.headSha }
          : {}),
      });
    }
  }
  return out;
}

/** One entry of the `silent` output. */
export interface SilentOutput {
  readonly workflow: string;
  readonly workflow_id: number;
  readonly path: string;
  readonly reason: string;
  readonly state: 'new' | 'ongoing' | 'recovered';
  readonly last_run_at?: string;
  readonly issue_url?: string;
}

/** Scheduled workflows silent now, or running again in this look. */
export function silentOutputs(scan: ScanResult, notifications: readonly DetectorAlert[]): SilentOutput[] {
  return scan.silent.flatMap((look) => {
    const s = look.silence ?? (look.change === 'close' ? look.known : undefined);
    if (!s) return [];
    const state = look.change === 'open' ? 'new' : look.change === 'close' ? 'recovered' : 'ongoing';
    const sent = notifications.find((n) => n.silent === look);
    const issueUrl = sent?.issueUrl ?? look.issue?.url;
    const lastRunAt = look.lastRun?.createdAt ?? s.last_run_at;
    return [
      {
        workflow: look.workflow.name,
        workflow_id: look.workflow.id,
        path: look.workflow.path,
        reason: s.reason,
        state,
        ...(lastRunAt ? { last_run_at: lastRunAt } : {}),
        ...(issueUrl ? { issue_url: issueUrl } : {}),
      },
    ];
  });
}

/** Every output, as the runner takes them (strings). */
export function detectorOutputs(
  scan: ScanResult,
  notifications: readonly DetectorAlert[],
  delivered: ReadonlySet<DetectorAlert>,
  report: string,
): Record<'streaks' | 'flaky' | 'silent' | 'alerted' | 'report', string> {
  return {
    streaks: JSON.stringify(streakOutputs(scan, notifications)),
    flaky: JSON.stringify(flakeOutputs(scan)),
    silent: JSON.stringify(silentOutputs(scan, notifications)),
    alerted: String(delivered.size),
    report,
  };
}

/**
 * After delivery: the job summary, every output, a warning per alert sent without its incident
 * recorded, an error per refused write, and the step failed on the last one.
 */
export function reportDetection(
  rt: Runtime,
  found: Detection,
  delivered: ReadonlySet<DetectorAlert>,
  i: DetectorInputs & { readonly repository: string },
): void {
  const report = summaryMarkdown(found.scan, found.notifications, {
    repository: i.repository,
    mode: found.mode,
    threshold: i.threshold,
    lookback: formatDuration(i.lookback),
    failing: new Set(i['failure-conclusions']),
    requests: found.requests(),
    dryRun: i['dry-run'],
    delivered,
    errors: found.errors,
    updates: found.updates,
  });
  rt.appendSummary(report);
  setOutputs(rt, detectorOutputs(found.scan, found.notifications, delivered, report));
  rt.info(`${found.requests()} GitHub API request(s); ${delivered.size} notification(s) sent.`);
  for (const n of found.notifications.filter((x) => x.unrecorded)) {
    rt.warning(
      `Sent "${oneLine(n.title)}" but could not record its incident (${n.unrecorded}): later scans will send it again until the detector can write issues.`,
      'Incident not recorded',
    );
  }
  const errors = found.errors;
  for (const e of errors.slice(0, -1)) rt.error(e, 'GitHub issue not written');
  if (errors.length) rt.setFailed(errors[errors.length - 1] ?? '');
}

export function setOutputs(rt: Runtime, outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) rt.setOutput(name, value);
}

/** The outputs of a run that had nothing to look at. */
export const EMPTY_OUTPUTS = { streaks: '[]', flaky: '[]', silent: '[]', alerted: '0', report: '' } as const;
