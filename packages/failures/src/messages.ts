import { formatDuration } from '@sre-toolkit/action';
import { embedTitle, escapeMarkdown, firstLine, inlineCode, maskedLink, TONES } from '@sre-toolkit/discord';
import type { FailedStep, RunInfo } from '@sre-toolkit/github';
import type { WebhookMessage } from '@sre-toolkit/discord';
import type { StreakState } from './decide';
import type { IncidentChange } from './plan';
import type { RateState } from './rate';

export type Embed = NonNullable<WebhookMessage['embeds']>[number];

/**
 * The Discord embeds the detector sends. Titles say what happened and where; fields carry what a
 * responder needs next. Every piece of repository text (workflow and branch names, commit titles)
 * is escaped: branch names and commit messages come from anyone who can push or open a PR.
 */

export interface StreakAlert {
  readonly state: StreakState;
  readonly reminder: boolean;
  readonly failedSteps: readonly FailedStep[];
  readonly repository: string;
  readonly issueUrl?: string;
  readonly now: Date;
}

const discordTime = (iso: string, style: 'R' | 'f' = 'f') =>
  `<t:${Math.floor(Date.parse(iso) / 1000)}:${style}>`;
const shortSha = (sha: string) => sha.slice(0, 7);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Title text is not markdown in Discord, but mentions in it must still never look real. */
const plain = embedTitle;

export function streakAlertEmbed(a: StreakAlert): Embed {
  const s = a.state;
  const { emoji, color } = TONES.failure;
  const verb = a.reminder ? 'still failing' : 'failing';
  const since = formatDuration(a.now.getTime() - Date.parse(s.first_failed_at));
  const steps = a.failedSteps.length
    ? a.failedSteps
        .slice(0, 5)
        .map((f) => `${maskedLink(f.job, f.jobUrl)}${f.step ? ` › ${escapeMarkdown(f.step)}` : ''}`)
        .join('\n')
    : 'not found in the latest run';
  return {
    title: plain(`${emoji} ${s.workflow} ${verb} on ${s.branch}: ${s.count} failures in a row`),
    url: s.last_run_url,
    color,
    description: `${escapeMarkdown(a.repository)}: broken for ${since}, since ${discordTime(s.first_failed_at)}.`,
    fields: [
      { name: 'Workflow', value: escapeMarkdown(s.workflow), inline: true },
      { name: 'Branch', value: inlineCode(s.branch) || '—', inline: true },
      { name: 'Failures in a row', value: String(s.count), inline: true },
      {
        name: 'First failing run',
        value: `${maskedLink(`run ${s.first_run_id}`, s.first_run_url)} at ${inlineCode(shortSha(s.first_sha))}${
          s.first_title ? ` ${escapeMarkdown(firstLine(s.first_title))}` : ''
        }`,
      },
      { name: 'Latest failure', value: maskedLink(`run ${s.last_run_id}`, s.last_run_url), inline: true },
      { name: 'Failing job › step', value: steps },
      ...(a.issueUrl ? [{ name: 'Issue', value: a.issueUrl }] : []),
    ],
    timestamp: a.now.toISOString(),
  };
}

/**
 * The alert of a failed run whose history could not be read (GitHub timed out or failed): what is
 * known is this one run, so it says that and that the streak is unknown.
 */
export function unreadAlertEmbed(
  run: RunInfo,
  workflow: string,
  how: string,
  repository: string,
  now: Date,
): Embed {
  const { emoji, color } = TONES.failure;
  const branch = run.branch ?? '';
  return {
    title: plain(`${emoji} ${workflow} failed on ${branch}; streak unknown (GitHub ${how})`),
    url: run.url,
    color,
    description: `${escapeMarkdown(repository)}: run ${run.id} ended ${inlineCode(run.conclusion ?? 'unknown')}. The failure history could not be read from GitHub (${escapeMarkdown(how)}), so the streak is unknown and no incident was read or recorded.`,
    fields: [
      { name: 'Workflow', value: escapeMarkdown(workflow), inline: true },
      { name: 'Branch', value: inlineCode(branch) || '—', inline: true },
      { name: 'Failures in a row', value: 'unknown', inline: true },
      {
        name: 'Failed run',
        value: `${maskedLink(`run ${run.id}`, run.url)}${run.headSha ? ` at ${inlineCode(shortSha(run.headSha))}` : ''}${
          run.title ? ` ${escapeMarkdown(firstLine(run.title))}` : ''
        }`,
      },
    ],
    timestamp: now.toISOString(),
  };
}

export interface RecoveryNotice {
  readonly state: StreakState;
  readonly fixedBy?: RunInfo;
  readonly repository: string;
  readonly issueUrl?: string;
  readonly now: Date;
}

/** "recovered after N failures, broken since <time>, fixed by <commit>" */
export function recoveryText(r: Pick<RecoveryNotice, 'state' | 'fixedBy'>, markdown: boolean): string {
  const s = r.state;
  const fixed = r.fixedBy
    ? `fixed by ${markdown ? inlineCode(shortSha(r.fixedBy.headSha)) : shortSha(r.fixedBy.headSha)}${
        r.fixedBy.title ? ` ${markdown ? escapeMarkdown(r.fixedBy.title) : r.fixedBy.title}` : ''
      }`
    : 'fixed by a run outside the lookback window';
  const since = markdown ? discordTime(s.first_failed_at) : s.first_failed_at;
  return `Recovered after ${plural(s.count, 'failure')}, broken since ${since}, ${fixed}.`;
}

export function recoveryEmbed(r: RecoveryNotice): Embed {
  const s = r.state;
  const { emoji, color } = TONES.success;
  const end = r.fixedBy ? Date.parse(r.fixedBy.createdAt) : r.now.getTime();
  return {
    title: plain(`${emoji} ${s.workflow} recovered on ${s.branch} after ${plural(s.count, 'failure')}`),
    ...(r.fixedBy ? { url: r.fixedBy.url } : {}),
    color,
    description: `${escapeMarkdown(r.repository)}: ${recoveryText(r, true)}`,
    fields: [
      { name: 'Workflow', value: escapeMarkdown(s.workflow), inline: true },
      { name: 'Branch', value: inlineCode(s.branch) || '—', inline: true },
      { name: 'Broken for', value: formatDuration(end - Date.parse(s.first_failed_at)), inline: true },
      { name: 'First failing run', value: maskedLink(`run ${s.first_run_id}`, s.first_run_url) },
      ...(r.fixedBy
        ? [{ name: 'Fixed by run', value: maskedLink(`run ${r.fixedBy.id}`, r.fixedBy.url) }]
        : []),
      ...(r.issueUrl ? [{ name: 'Issue', value: r.issueUrl }] : []),
    ],
    timestamp: r.now.toISOString(),
  };
}

export function rateEmbed(
  state: RateState,
  firing: boolean,
  rule: { threshold: number; lookback: string },
  repository: string,
  issueUrl: string | undefined,
  now: Date,
): Embed {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const tone = firing ? TONES.warning : TONES.success;
  const runs = state.failed + state.passed;
  return {
    title: plain(
      firing
        ? `${tone.emoji} ${state.workflow} failing ${pct(state.rate)} of runs on ${state.branch}`
        : `${tone.emoji} ${state.workflow} failure rate back to ${pct(state.rate)} on ${state.branch}`,
    ),
    color: tone.color,
    description: `${escapeMarkdown(repository)}: ${state.failed} of ${runs} runs failed in the last ${rule.lookback} (${
      firing ? 'alert at' : 'cleared below half of'
    } ${pct(rule.threshold)}).`,
    fields: [
      { name: 'Workflow', value: escapeMarkdown(state.workflow), inline: true },
      { name: 'Branch', value: inlineCode(state.branch) || '—', inline: true },
      { name: 'Failure rate', value: pct(state.rate), inline: true },
      ...(issueUrl ? [{ name: 'Issue', value: issueUrl }] : []),
    ],
    timestamp: now.toISOString(),
  };
}

export interface EmbedContext {
  readonly repository: string;
  readonly now: Date;
  readonly rateRule: { readonly threshold: number; readonly lookback: string };
}

/** The embed a change sends (record changes send none). */
export function incidentEmbed(
  c: IncidentChange,
  failedSteps: readonly FailedStep[],
  issueUrl: string | undefined,
  o: EmbedContext,
): Embed {
  const url = issueUrl ? { issueUrl } : {};
  if (c.state.kind === 'rate')
    return rateEmbed(c.state, c.change === 'open', o.rateRule, o.repository, issueUrl, o.now);
  if (c.change === 'close') {
    const fixedBy = 'fixedBy' in c ? c.fixedBy : undefined;
    return recoveryEmbed({
      state: c.state,
      ...(fixedBy ? { fixedBy } : {}),
      repository: o.repository,
      ...url,
      now: o.now,
    });
  }
  return streakAlertEmbed({
    state: c.state,
    reminder: c.change === 'remind',
    failedSteps,
    repository: o.repository,
    ...url,
    now: o.now,
  });
}
