import { cell } from '@sre-toolkit/action';
import { inlineCode } from '@sre-toolkit/discord';
import {
  closeIncidentIssue,
  describeGitHubError,
  failedSteps,
  openIncidentIssue,
  statusOf,
  updateIncidentIssue,
  type FailedStep,
  type GitHubClient,
} from '@sre-toolkit/github';
import type { StreakState } from './decide';
import { rateEmbed, recoveryEmbed, recoveryText, streakAlertEmbed, type Embed } from './messages';
import type { RateState } from './rate';
import { rateKey, streakKey, type ScanResult, type Target } from './scan';

/**
 * The write side: for every event a scan found, update its issue (the state) first, then build
 * its Discord embed. An event whose issue could not be written gets no message: an alert without
 * its state would be sent again by every later scan.
 */

export interface Notification {
  readonly kind: 'alert' | 'reminder' | 'recovery' | 'rate' | 'rate-cleared';
  readonly target: Target;
  readonly title: string;
  readonly embed: Embed;
  /** Alerts and reminders ping the `mention` list; recoveries never do. */
  readonly pings: boolean;
  readonly issueUrl?: string;
  /** What happened to the issue ('opened #3', 'closed #3', …), for the summary. */
  readonly issueAction?: string;
}

export interface ApplyOptions {
  readonly owner: string;
  readonly repo: string;
  readonly issue: boolean;
  readonly issueLabel: string;
  readonly dryRun: boolean;
  readonly failing: ReadonlySet<string>;
  readonly rateThreshold?: number;
  readonly lookbackText: string;
  readonly serverUrl: string;
  readonly now: Date;
  readonly log: (message: string) => void;
}

export interface ApplyResult {
  readonly notifications: Notification[];
  /** One message per problem, for `::error` (issue writes refused, GitHub down). */
  readonly errors: string[];
  /** Silent state updates made ('#3 now 5 failures'). */
  readonly updates: string[];
}

const streakTitle = (s: { workflow: string; branch: string }) => `${s.workflow} failing on ${s.branch}`;
const rateTitle = (s: { workflow: string; branch: string }) =>
  `${s.workflow} failure rate high on ${s.branch}`;

export async function applyScan(
  client: GitHubClient,
  scan: ScanResult,
  o: ApplyOptions,
): Promise<ApplyResult> {
  const notifications: Notification[] = [];
  const errors: string[] = [];
  const updates: string[] = [];
  const repo = { owner: o.owner, repo: o.repo };
  const repository = `${o.owner}/${o.repo}`;
  const writes = o.issue && !o.dryRun;
  // After the first refused write every other would be refused too: stop writing, say it once.
  let blocked = false;
  let labelExists = scan.labelExists;
  const write = async <T>(doing: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (blocked) return undefined;
    try {
      return await fn();
    } catch (error) {
      const status = statusOf(error);
      if (status === 401 || status === 403 || status === 404) blocked = true;
      errors.push(describeGitHubError(error, doing, 'issues: write'));
      return undefined;
    }
  };
  const steps = async (runId: number): Promise<FailedStep[]> => {
    try {
      return await failedSteps(client, repo, runId, o.failing);
    } catch (error) {
      // The alert is still worth sending without the step name.
      o.log(`Could not read the jobs of run ${runId}: ${describeGitHubError(error, 'reading jobs')}`);
      return [];
    }
  };

  for (const target of scan.targets) {
    const key = streakKey(target.workflow.id, target.branch);
    for (const event of target.events) {
      if (event.kind === 'ongoing') continue;
      if (event.kind === 'grown') {
        if (!writes || !target.streakIssue) continue;
        const issue = target.streakIssue;
        const done = await write(`updating issue #${issue.number}`, () =>
          updateIncidentIssue(client, issue, {
            ...repo,
            key,
            state: { ...event.state },
            body: streakIssueBody(event.state, [], o.serverUrl, repository),
          }),
        );
        if (done) updates.push(`#${issue.number}: ${event.state.count} failures`);
        continue;
      }
      if (event.kind === 'recovered') {
        const issue = target.streakIssue;
        let issueAction: string | undefined;
        if (writes && issue) {
          const text = recoveryText(event, false);
          const done = await write(`closing issue #${issue.number}`, async () => {
            await closeIncidentIssue(client, issue, {
              ...repo,
              key,
              comment: `✅ ${text}${event.fixedBy ? `\n\nFixed by ${event.fixedBy.url}` : ''}`,
              state: { ...event.state },
            });
            return true;
          });
          if (!done) continue;
          issueAction = `closed #${issue.number}`;
        }
        const embed = recoveryEmbed({
          state: event.state,
          ...(event.fixedBy ? { fixedBy: event.fixedBy } : {}),
          repository,
          ...(issue ? { issueUrl: issue.url } : {}),
          now: o.now,
        });
        notifications.push({
          kind: 'recovery',
          target,
          title: embed.title ?? '',
          embed,
          pings: false,
          ...(issue ? { issueUrl: issue.url } : {}),
          ...(issueAction ? { issueAction } : {}),
        });
        continue;
      }
      // new or reminder
      const failed = await steps(event.state.last_run_id);
      let issueUrl = target.streakIssue?.url;
      let issueAction: string | undefined;
      if (writes) {
        const body = streakIssueBody(event.state, failed, o.serverUrl, repository);
        if (event.kind === 'new') {
          const opened = await write('opening an issue', () =>
            openIncidentIssue(client, {
              ...repo,
              label: o.issueLabel,
              key,
              title: streakTitle(event.state),
              body,
              state: { ...event.state },
              labelDescription: 'Opened and closed by the repeated-failure-detector action',
              labelExists,
            }),
          );
          if (!opened) continue;
          labelExists = true;
          issueUrl = opened.url;
          issueAction = `opened #${opened.number}`;
        } else if (target.streakIssue) {
          const issue = target.streakIssue;
          const done = await write(`commenting on issue #${issue.number}`, () =>
            updateIncidentIssue(client, issue, {
              ...repo,
              key,
              body,
              state: { ...event.state },
              comment: `❌ Still failing: ${event.state.count} failures in a row. Latest: ${event.state.last_run_url}`,
            }),
          );
          if (!done) continue;
          issueAction = `commented on #${issue.number}`;
        }
      }
      const embed = streakAlertEmbed({
        state: event.state,
        reminder: event.kind === 'reminder',
        failedSteps: failed,
        repository,
        ...(issueUrl ? { issueUrl } : {}),
        now: o.now,
      });
      notifications.push({
        kind: event.kind === 'new' ? 'alert' : 'reminder',
        target,
        title: embed.title ?? '',
        embed,
        pings: true,
        ...(issueUrl ? { issueUrl } : {}),
        ...(issueAction ? { issueAction } : {}),
      });
    }

    const rate = target.rate;
    if (rate && rate.change !== 'none' && o.rateThreshold !== undefined) {
      const rkey = rateKey(target.workflow.id, target.branch);
      let issueUrl = rate.issue?.url;
      let issueAction: string | undefined;
      if (writes) {
        if (rate.change === 'fire') {
          const opened = await write('opening an issue', () =>
            openIncidentIssue(client, {
              ...repo,
              label: o.issueLabel,
              key: rkey,
              title: rateTitle(rate.state),
              body: rateIssueBody(rate.state, o.rateThreshold ?? 0, o.lookbackText),
              state: { ...rate.state },
              labelExists,
            }),
          );
          if (!opened) continue;
          labelExists = true;
          issueUrl = opened.url;
          issueAction = `opened #${opened.number}`;
        } else if (rate.issue) {
          const issue = rate.issue;
          const done = await write(`closing issue #${issue.number}`, async () => {
            await closeIncidentIssue(client, issue, {
              ...repo,
              key: rkey,
              comment: `✅ Failure rate back to ${Math.round(rate.state.rate * 100)}% (${rate.state.failed} of ${rate.state.failed + rate.state.passed} runs).`,
              state: { ...rate.state },
            });
            return true;
          });
          if (!done) continue;
          issueAction = `closed #${issue.number}`;
        }
      }
      const embed = rateEmbed(
        rate.state,
        rate.change === 'fire',
        { threshold: o.rateThreshold, lookback: o.lookbackText },
        repository,
        issueUrl,
        o.now,
      );
      notifications.push({
        kind: rate.change === 'fire' ? 'rate' : 'rate-cleared',
        target,
        title: embed.title ?? '',
        embed,
        pings: rate.change === 'fire',
        ...(issueUrl ? { issueUrl } : {}),
        ...(issueAction ? { issueAction } : {}),
      });
    }
  }
  return { notifications, errors, updates };
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
    ['Workflow', cell(s.workflow)],
    ['Branch', inlineCode(s.branch)],
    ['Failures in a row', String(s.count)],
    ['Failing since', s.first_failed_at],
    // Commit titles go in code spans: in an issue, "@name" or "#12" in them would notify or link.
    [
      'First failing run',
      `[run ${s.first_run_id}](${s.first_run_url}) at ${commit} ${inlineCode(s.first_title)}`,
    ],
    ['Latest failure', `[run ${s.last_run_id}](${s.last_run_url})`],
    ...(failed.length
      ? [
          [
            'Failing job › step',
            failed.map((f) => `${cell(f.job)}${f.step ? ` › ${cell(f.step)}` : ''}`).join('<br>'),
          ],
        ]
      : []),
  ];
  return [
    `The workflow **${cell(s.workflow)}** has failed ${s.count} times in a row on ${inlineCode(s.branch)}.`,
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
    `The workflow **${cell(s.workflow)}** failed ${s.failed} of ${s.failed + s.passed} runs (${Math.round(
      s.rate * 100,
    )}%) on ${inlineCode(s.branch)} in the last ${lookback}: at or above the ${Math.round(threshold * 100)}% failure-rate threshold.`,
    '',
    `This issue closes itself when the rate falls below ${Math.round((threshold * 100) / 2)}%.`,
  ].join('\n');
}
