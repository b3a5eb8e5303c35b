import { cell, link, table, type Cell } from '@sre-toolkit/action';
import type { RunInfo } from '@sre-toolkit/github';
import type { StreakState } from './decide';
import type { Flake } from './flaky';
import type { Notification } from './incidents';
import type { ScanResult, Target } from './scan';
import { outcomeOf } from './streaks';

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
export function streakOutputs(scan: ScanResult, notifications: readonly Notification[]): StreakOutput[] {
  const out: StreakOutput[] = [];
  for (const t of scan.targets) {
    for (const e of t.events) {
      const s: StreakState = e.state;
      const sent = notifications.find(
        (n) => n.target === t && (e.kind === 'recovered' ? n.kind === 'recovery' : n.kind !== 'recovery'),
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

export function flakeOutputs(scan: ScanResult): Flake[] {
  return scan.targets.flatMap((t) =>
    t.flakes.map((f) => ({ ...f, workflow: f.workflow || t.workflow.name })),
  );
}

const GLYPHS = { success: '✅', failure: '❌', neutral: '⚪' } as const;

/** Recent runs as glyphs, newest first: ✅ success, ❌ failure, ⚪ neither. */
export function glyphs(runs: readonly RunInfo[], failing: ReadonlySet<string>, max = 20): string {
  const shown = runs.slice(0, max).map((r) => GLYPHS[outcomeOf(r, failing)]);
  return shown.join('') + (runs.length > max ? '…' : '');
}

export interface ReportContext {
  readonly repository: string;
  readonly mode: string;
  readonly threshold: number;
  readonly lookback: string;
  readonly failing: ReadonlySet<string>;
  readonly requests: number;
  readonly dryRun: boolean;
  readonly delivered: ReadonlySet<Notification>;
  readonly errors: readonly string[];
  readonly updates: readonly string[];
}

function streakCell(t: Target, threshold: number): Cell {
  const events = t.events.map((e) => e.kind);
  const current = t.analysis.current;
  if (!current) return events.includes('recovered') ? '✅ recovered' : '0';
  const count = t.events.find((e) => e.kind !== 'recovered')?.state.count ?? current.count;
  const label = events.includes('new')
    ? 'new'
    : events.some((k) => k === 'ongoing' || k === 'grown' || k === 'reminder')
      ? 'ongoing'
      : `below ${threshold}`;
  return `${count >= threshold ? '❌ ' : ''}${count}${current.unbounded ? '+' : ''} (${label})`;
}

function rateCell(t: Target): Cell {
  if (!t.rate) return null;
  const { stats, firing } = t.rate;
  const runs = stats.failed + stats.passed;
  return `${firing ? '⚠️ ' : ''}${Math.round(stats.rate * 100)}% of ${runs}`;
}

/** The job summary (and `report` output): a row per workflow and branch, then what was sent. */
export function reportMarkdown(
  scan: ScanResult,
  notifications: readonly Notification[],
  ctx: ReportContext,
): string {
  const lines: string[] = [];
  lines.push(`### Repeated failures in ${cell(ctx.repository)}`);
  lines.push('');
  lines.push(
    `${ctx.mode}: ${scan.targets.length} workflow/branch pair${scan.targets.length === 1 ? '' : 's'}, threshold ${ctx.threshold}, lookback ${ctx.lookback}, ${ctx.requests} GitHub API request${ctx.requests === 1 ? '' : 's'}${ctx.dryRun ? ' (dry run: nothing sent, no issue changed)' : ''}.`,
  );
  lines.push('');
  if (scan.targets.length) {
    const anyRate = scan.targets.some((t) => t.rate);
    const rows = scan.targets.map((t) => {
      const sent = notifications.filter((n) => n.target === t);
      const sentText = sent.length
        ? sent
            .map(
              (n) =>
                `${n.kind}${ctx.delivered.has(n) ? '' : ctx.dryRun ? ' (dry run)' : ' (not delivered)'}${n.issueAction ? `, ${n.issueAction}` : ''}`,
            )
            .join('; ')
        : null;
      return [
        link(t.workflow.name, undefined),
        t.branch,
        glyphs(t.runs, ctx.failing) || 'no runs in window',
        streakCell(t, ctx.threshold),
        ...(anyRate ? [rateCell(t)] : []),
        t.flakes.length || null,
        t.streakIssue ? link(`#${t.streakIssue.number}`, t.streakIssue.url) : null,
        sentText,
      ] as Cell[];
    });
    lines.push(
      table(
        [
          'workflow',
          'branch',
          'recent runs (newest first)',
          'streak',
          ...(anyRate ? ['failure rate'] : []),
          'flaky',
          'issue',
          'sent',
        ],
        rows,
      ),
    );
    lines.push('');
    lines.push(
      '✅ success · ❌ failure · ⚪ cancelled, skipped or other (neither breaks nor extends a streak)',
    );
    lines.push('');
  }
  const flakes = flakeOutputs(scan);
  if (flakes.length) {
    lines.push('#### Flaky re-runs (succeeded after a failed attempt; not alerted)');
    lines.push('');
    lines.push(
      table(
        ['workflow', 'branch', 'run', 'failed attempt', 'commit'],
        flakes.map((f) => [
          f.workflow,
          f.branch,
          link(`run ${f.run_id} (attempt ${f.attempt})`, f.run_url),
          `${f.failed_attempt}: ${f.failed_conclusion}`,
          `${f.head_sha.slice(0, 7)} ${f.title}`,
        ]),
      ),
    );
    lines.push('');
  }
  lines.push('#### Sent');
  lines.push('');
  if (!notifications.length)
    lines.push('Nothing: no streak reached the threshold, grew past a reminder or recovered.');
  for (const n of notifications) {
    const status = ctx.delivered.has(n) ? 'sent' : ctx.dryRun ? 'dry run, not sent' : 'not delivered';
    lines.push(`- ${cell(n.title)} (${status}${n.issueAction ? `; issue ${n.issueAction}` : ''})`);
  }
  for (const u of ctx.updates) lines.push(`- issue ${cell(u)} (updated silently)`);
  for (const e of ctx.errors) lines.push(`- ⚠️ ${cell(e)}`);
  for (const w of scan.warnings) lines.push(`- ⚠️ ${cell(w)}`);
  if (scan.flakeChecksSkipped)
    lines.push(`- ${scan.flakeChecksSkipped} re-run(s) not checked for flakiness (per-scan limit).`);
  return lines.join('\n') + '\n';
}
