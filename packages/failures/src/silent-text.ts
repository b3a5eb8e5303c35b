import { formatDuration, oneLine } from '@sre-toolkit/action';
import { embedTitle, escapeMarkdown, inlineCode, maskedLink, TONES } from '@sre-toolkit/discord';
import { issueText } from './issue-text';
import type { Embed } from './messages';
import type { SilentState } from './silent';

/**
 * What the detector says about a silent monitor: the Discord alert and recovery, and its issue.
 * Each says what to do. Workflow names and crons come from the repository's files: escaped.
 */

const file = (s: SilentState) => s.path.slice(s.path.lastIndexOf('/') + 1) || s.workflow;
/** Whole minutes: a scan a few seconds later says the same. */
const ago = (iso: string | undefined, now: Date) =>
  iso ? formatDuration(Math.floor((now.getTime() - Date.parse(iso)) / 60_000) * 60_000) : undefined;

/** A few words for a title: what kind of silence. */
export function silentHeadline(s: SilentState, now: Date): string {
  switch (s.reason) {
    case 'disabled_inactivity':
      return 'disabled by GitHub after 60 days without repository activity';
    case 'disabled_manually':
      return 'disabled';
    case 'startup_failure':
      return 'its runs fail to start (startup_failure)';
    case 'stale': {
      const since = ago(s.last_run_at, now);
      if (since) return `no scheduled run for ${since}`;
      const over = ago(s.no_run_since, now);
      return over ? `no scheduled run for over ${over}` : 'no scheduled run yet';
    }
  }
}

/** What happened and what to do, as plain sentences; `code` formats names and commands. */
function advice(s: SilentState, now: Date, code: (t: string) => string, name: string): string {
  const enable = `re-enable it: Actions → ${name} → Enable workflow (or ${code(`gh workflow enable ${file(s)}`)})`;
  switch (s.reason) {
    case 'disabled_inactivity':
      return `GitHub disables scheduled workflows after 60 days without activity in the repository. To ${enable}. A push to the repository resets the 60-day timer.`;
    case 'disabled_manually':
      return `Someone disabled it in the Actions tab. If that was not meant to last, ${enable}.`;
    case 'startup_failure':
      return `Its latest run ended in startup_failure: GitHub could not start it, usually an invalid workflow file or a reusable workflow or action it cannot find. Open the run for the error and fix ${code(s.path)} on the default branch.`;
    case 'stale': {
      const period = s.period_minutes !== undefined ? formatDuration(s.period_minutes * 60_000) : 'unknown';
      const limit =
        s.stale_after_minutes !== undefined ? formatDuration(s.stale_after_minutes * 60_000) : 'unknown';
      const last = s.last_run_at
        ? `its last scheduled run started ${ago(s.last_run_at, now)} ago`
        : s.no_run_since
          ? `it has not run on schedule for over ${ago(s.no_run_since, now)}`
          : 'it has not run on schedule yet';
      return `Its schedule fires at least every ${period}, but ${last} (silent after ${limit}). GitHub delays and drops scheduled runs when busy, and only schedules the file on the default branch. Check Actions → ${name}, and start it by hand (workflow_dispatch) to see whether it runs.`;
    }
  }
}

const schedule = (s: SilentState, code: (t: string) => string) =>
  s.crons.length ? s.crons.map((c) => code(oneLine(c))).join(', ') : 'unknown';

export function silentEmbed(
  s: SilentState,
  repository: string,
  issueUrl: string | undefined,
  now: Date,
): Embed {
  const tone = TONES.warning;
  return {
    title: embedTitle(`🔕 ${s.workflow} stopped running on schedule: ${silentHeadline(s, now)}`),
    ...(s.last_run_url ? { url: s.last_run_url } : {}),
    color: tone.color,
    description: `${escapeMarkdown(repository)}: ${advice(s, now, inlineCode, escapeMarkdown(s.workflow))}`,
    fields: [
      { name: 'Workflow', value: escapeMarkdown(s.workflow), inline: true },
      { name: 'Schedule', value: schedule(s, inlineCode), inline: true },
      {
        name: 'Last scheduled run',
        value: s.last_run_at
          ? s.last_run_url
            ? maskedLink(`${ago(s.last_run_at, now)} ago`, s.last_run_url)
            : `${ago(s.last_run_at, now)} ago`
          : s.no_run_since
            ? `over ${ago(s.no_run_since, now)} ago`
            : 'none',
        inline: true,
      },
      ...(issueUrl ? [{ name: 'Issue', value: issueUrl }] : []),
    ],
    timestamp: now.toISOString(),
  };
}

/** "ran on schedule again N after it went silent" */
export function silentRecoveryEmbed(
  known: SilentState,
  lastRun: { readonly url: string } | undefined,
  repository: string,
  issueUrl: string | undefined,
  at: Date,
): Embed {
  const tone = TONES.success;
  const silentFor = ago(known.since, at) ?? 'unknown';
  return {
    title: embedTitle(`${tone.emoji} ${known.workflow} runs on schedule again`),
    ...(lastRun?.url ? { url: lastRun.url } : {}),
    color: tone.color,
    description: `${escapeMarkdown(repository)}: silent (${escapeMarkdown(silentHeadline(known, at))}) since ${ago(known.since, at)} ago; it runs again.`,
    fields: [
      { name: 'Workflow', value: escapeMarkdown(known.workflow), inline: true },
      { name: 'Silent for', value: silentFor, inline: true },
      ...(issueUrl ? [{ name: 'Issue', value: issueUrl }] : []),
    ],
    timestamp: at.toISOString(),
  };
}

export const silentIssueTitle = (s: SilentState) => `${oneLine(s.workflow)} is not running on schedule`;

const issueCode = (t: string) =>
  inlineCode(oneLine(t).replace(/<!--|--!?>/g, (m) => m.replace(/-/g, '\u2011')));

export function silentIssueBody(s: SilentState, now: Date): string {
  const rows = [
    ['Workflow', issueText(s.workflow)],
    ['File', issueCode(s.path)],
    ['Schedule', schedule(s, issueCode)],
    ['Why silent', issueText(silentHeadline(s, now))],
    [
      'Last scheduled run',
      s.last_run_at
        ? s.last_run_url
          ? `[${s.last_run_at}](${s.last_run_url})`
          : s.last_run_at
        : s.no_run_since
          ? `none since ${s.no_run_since}`
          : 'none',
    ],
    ['Silent since', s.since],
  ];
  return [
    `The scheduled workflow **${issueText(s.workflow)}** is not running: ${issueText(silentHeadline(s, now))}.`,
    '',
    advice(s, now, issueCode, issueText(s.workflow)),
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    'This issue is the alert state of the repeated-failure-detector action: it closes itself when the workflow runs on schedule again.',
  ].join('\n');
}

export function silentCloseComment(
  known: SilentState,
  lastRun: { readonly url: string } | undefined,
  at: Date,
): string {
  const run = lastRun?.url ? ` Latest scheduled run: ${lastRun.url}` : '';
  return `✅ Runs on schedule again after ${ago(known.since, at)} of silence.${run}`;
}
