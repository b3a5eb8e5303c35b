import { oneLine } from '@sre-toolkit/action';
import { escapeMarkdown, inlineCode } from '@sre-toolkit/discord';
import type { FailedStep } from '@sre-toolkit/github';
import type { StreakState } from './decide';
import { recoveryText } from './messages';
import type { IncidentChange } from './plan';
import type { RateState } from './rate';

/**
 * What the detector writes into incident issues: titles, visible bodies and comments. Workflow and
 * branch names and commit titles come from anyone who can push: in an issue they must not mention
 * (`@name`), cross-link (`#12`), format, or open an HTML comment that could pass for our marker.
 */

/** No comment delimiters (a non-breaking hyphen keeps them readable). */
const noComment = (text: string) => text.replace(/<!--|--!?>/g, (m) => m.replace(/-/g, '\u2011'));

/** Outside text as plain words in an issue (also a table cell: `|` is escaped): no markdown, mentions or issue links. */
export function issueText(text: string): string {
  return escapeMarkdown(noComment(oneLine(text)))
    .replace(/@(?=\w)/g, '@\u2060')
    .replace(/#(?=\d)/g, '#\u2060');
}

/** Outside text in an issue's code span (shown as typed, mentions inert). */
const issueCode = (text: string) => inlineCode(noComment(oneLine(text)));

export function incidentTitle(state: StreakState | RateState): string {
  const where = `${oneLine(state.workflow)}`;
  return state.kind === 'rate'
    ? `${where} failure rate high on ${oneLine(state.branch)}`
    : `${where} failing on ${oneLine(state.branch)}`;
}

export interface IssueContext {
  readonly serverUrl: string;
  readonly repository: string;
  readonly rateThreshold: number;
  readonly lookbackText: string;
}

/** The visible body an open/remind/record change writes (close changes comment instead). */
export function incidentBody(c: IncidentChange, failed: readonly FailedStep[], o: IssueContext): string {
  return c.state.kind === 'rate'
    ? rateIssueBody(c.state, o.rateThreshold, o.lookbackText)
    : streakIssueBody(c.state, failed, o.serverUrl, o.repository);
}

/** The comment a remind or close change adds; undefined for the others. */
export function incidentComment(c: IncidentChange): string | undefined {
  const s = c.state;
  if (s.kind === 'rate')
    return c.change === 'close'
      ? `✅ Failure rate back to ${Math.round(s.rate * 100)}% (${s.failed} of ${s.failed + s.passed} runs).`
      : undefined;
  if (c.change === 'remind')
    return `❌ Still failing: ${s.count} failures in a row. Latest: ${s.last_run_url}`;
  if (c.change !== 'close') return undefined;
  const fixedBy = 'fixedBy' in c ? c.fixedBy : undefined;
  const text = recoveryText(
    { state: s, ...(fixedBy ? { fixedBy: { ...fixedBy, title: issueText(fixedBy.title) } } : {}) },
    false,
  );
  return `✅ ${text}${fixedBy ? `\n\nFixed by ${fixedBy.url}` : ''}`;
}

/** The visible body of a streak issue: what a person opening it needs. */
export function streakIssueBody(
  s: StreakState,
  failed: readonly FailedStep[],
  serverUrl: string,
  repository: string,
): string {
  const commit = `[\`${s.first_sha.slice(0, 7)}\`](${serverUrl}/${repository}/commit/${s.first_sha})`;
  const rows = [
    ['Workflow', issueText(s.workflow)],
    ['Branch', issueCode(s.branch)],
    ['Failures in a row', String(s.count)],
    ['Failing since', s.first_failed_at],
    // Commit titles go in code spans: in an issue, "@name" or "#12" in them would notify or link.
    [
      'First failing run',
      `[run ${s.first_run_id}](${s.first_run_url}) at ${commit} ${issueCode(s.first_title)}`,
    ],
    ['Latest failure', `[run ${s.last_run_id}](${s.last_run_url})`],
    ...(failed.length
      ? [
          [
            'Failing job › step',
            failed.map((f) => `${issueText(f.job)}${f.step ? ` › ${issueText(f.step)}` : ''}`).join('<br>'),
          ],
        ]
      : []),
  ];
  return [
    `The workflow **${issueText(s.workflow)}** has failed ${s.count} times in a row on ${issueCode(s.branch)}.`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    'This issue is the alert state of the repeated-failure-detector action: it closes itself when a run succeeds. Closing it by hand makes the next scan alert again if the workflow is still failing.',
  ].join('\n');
}

function rateIssueBody(s: RateState, threshold: number, lookback: string): string {
  return [
    `The workflow **${issueText(s.workflow)}** failed ${s.failed} of ${s.failed + s.passed} runs (${Math.round(
      s.rate * 100,
    )}%) on ${issueCode(s.branch)} in the last ${lookback}: at or above the ${Math.round(threshold * 100)}% failure-rate threshold.`,
    '',
    `This issue closes itself when the rate falls below ${Math.round((threshold * 100) / 2)}%.`,
  ].join('\n');
}
