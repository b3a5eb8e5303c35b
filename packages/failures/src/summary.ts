import { cell, link, oneLine, table, type Cell } from '@sre-toolkit/action';
import type { RunInfo } from '@sre-toolkit/github';
import type { DetectorAlert } from './incidents';
import { flakeOutputs } from './flaky';
import type { ScanResult, Target } from './scan';
import { outcomeOf } from './streaks';

// The job summary (and `report` output). Outside text passes `oneLine`, then `cell()`.

const GLYPHS = { success: '✅', failure: '❌', neutral: '⚪' } as const;

/** Recent runs as glyphs, newest first: ✅ success, ❌ failure, ⚪ neither. */
export function glyphs(runs: readonly RunInfo[], failing: ReadonlySet<string>, max = 20): string {
  const shown = runs.slice(0, max).map((r) => GLYPHS[outcomeOf(r, failing)]);
  return shown.join('') + (runs.length > max ? '…' : '');
}

export interface SummaryContext {
  readonly repository: string;
  readonly mode: string;
  readonly threshold: number;
  readonly lookback: string;
  readonly failing: ReadonlySet<string>;
  readonly requests: number;
  readonly dryRun: boolean;
  readonly delivered: ReadonlySet<DetectorAlert>;
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
export function summaryMarkdown(
  scan: ScanResult,
  notifications: readonly DetectorAlert[],
  ctx: SummaryContext,
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
                `${n.kind}${ctx.delivered.has(n) ? '' : ctx.dryRun ? ' (dry run)' : ' (not delivered)'}${n.issueAction ? `, ${n.issueAction}` : ''}${n.unrecorded ? ', not recorded' : ''}`,
            )
            .join('; ')
        : null;
      return [
        oneLine(t.workflow.name),
        oneLine(t.branch),
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
  lines.push(...silentSection(scan));
  const flakes = flakeOutputs(scan);
  if (flakes.length) {
    lines.push('#### Flaky re-runs (succeeded after a failed attempt; not alerted)');
    lines.push('');
    lines.push(
      table(
        ['workflow', 'branch', 'run', 'failed attempt', 'commit'],
        flakes.map((f) => [
          oneLine(f.workflow),
          oneLine(f.branch ?? ''),
          link(`run ${f.run_id} (attempt ${f.attempt})`, f.run_url),
          `${f.failed_attempt}: ${f.failed_conclusion}`,
          `${f.head_sha.slice(0, 7)} ${oneLine(f.title)}`,
        ]),
      ),
    );
    lines.push('');
  }
  lines.push('#### Sent');
  lines.push('');
  if (!notifications.length)
    lines.push(
      ctx.errors.length
        ? 'Nothing sent.'
        : 'Nothing: no streak reached the threshold, grew past a reminder or recovered, and no scheduled workflow went silent or ran again.',
    );
  for (const n of notifications) {
    const status = ctx.delivered.has(n) ? 'sent' : ctx.dryRun ? 'dry run, not sent' : 'not delivered';
    const issue = n.unrecorded
      ? `; not recorded: ${n.unrecorded}, so later scans will send it again`
      : n.issueAction
        ? `; issue ${n.issueAction}`
        : '';
    lines.push(`- ${cell(oneLine(n.title))} (${status}${issue})`);
  }
  for (const u of ctx.updates) lines.push(`- issue ${cell(u)} (updated silently)`);
  for (const e of ctx.errors) lines.push(`- ⚠️ ${cell(oneLine(e))}`);
  for (const w of scan.warnings) lines.push(`- ⚠️ ${cell(oneLine(w))}`);
  for (const w of scan.silentWarnings) lines.push(`- ⚠️ ${cell(oneLine(w))}`);
  if (scan.forkRuns)
    lines.push(
      `- ${scan.forkRuns} run(s) from forks left out: a fork's branch is not this repository's, so they never open or close an incident.`,
    );
  if (scan.flakeChecksSkipped)
    lines.push(`- ${scan.flakeChecksSkipped} re-run(s) not checked for flakiness (per-scan limit).`);
  return lines.join('\n') + '\n';
}

/** Every scheduled workflow a scan looked at for silence: schedule, last scheduled run, state, issue. */
function silentSection(scan: ScanResult): string[] {
  if (!scan.silent.length) return [];
  const lines: string[] = [];
  lines.push('#### Scheduled workflows (silent monitors)');
  lines.push('');
  lines.push(
    table(
      ['workflow', 'schedule', 'last scheduled run', 'state', 'issue'],
      scan.silent.map((look) => {
        const last = look.lastRun?.createdAt ?? look.silence?.last_run_at;
        const state = look.silence
          ? `🔕 ${look.silence.reason}${look.change === 'open' ? ' (new)' : ''}`
          : look.change === 'close'
            ? '✅ runs again'
            : '✅ on schedule';
        const issue = look.issue ? link(`#${look.issue.number}`, look.issue.url) : null;
        return [
          oneLine(look.workflow.name),
          look.crons.map((c) => oneLine(c)).join(', ') || null,
          last ?? 'none',
          state,
          issue,
        ] as Cell[];
      }),
    ),
  );
  lines.push('');
  return lines;
}
