import { cell, oneLine, type Runtime } from '@sre-toolkit/action';
import { isTimeoutError, networkFailure, statusOf } from '@sre-toolkit/github';
import { workflowLabel, type DetectorContext } from './context';
import type { DetectorInputs } from './detector';
import { contextOf, withContext } from './incidents';
import { unreadAlertEmbed, type Embed } from './messages';
import { sendNotifications, type NotifyOptions } from './notify';
import { setOutputs } from './outputs';
import { matchesWorkflow } from './scan';

/**
 * When GitHub fails while the history is read (no answer in time, no answer at all, a 5xx after
 * retries, a rate limit), a `workflow_run` still knows one run for sure: the one that triggered it.
 * If that run failed where the detector watches, it is alerted anyway, streak unknown, because a
 * monitor that cannot read its state must still page. A refusal (401, 403, 404) is a setup error
 * every run would repeat; like any error of a scheduled scan, it fails the step without an alert.
 */

/** How GitHub failed, for the alert ('timed out', 'answered 502', …); undefined when it refused. */
export function githubFailure(error: unknown): string | undefined {
  if (isTimeoutError(error)) return 'timed out';
  if (!error || typeof error !== 'object') return undefined;
  const status = statusOf(error);
  const response = 'response' in error ? (error.response as { data?: unknown } | undefined) : undefined;
  // @octokit/request reports a refused connection, DNS or TLS failure as a 500 without a response.
  if (!response) {
    if (status !== undefined && !('request' in error)) return undefined;
    const network = networkFailure(error);
    return network && network.kind !== 'other' ? `unreachable: ${network.what}` : 'unreachable';
  }
  if (status === undefined) return undefined;
  if (status >= 500) return `answered ${status}`;
  const data = response.data;
  const message =
    data && typeof data === 'object' && 'message' in data && typeof data.message === 'string'
      ? data.message
      : '';
  if (status === 429 || (status === 403 && /rate limit/i.test(message))) return 'rate limited';
  return undefined;
}

/** What the triggering run still allows when the history could not be read. */
export interface UnreadOutcome {
  /** The alert to send: the run failed on a watched workflow and branch. */
  readonly alert?: { readonly title: string; readonly embed: Embed; readonly pings: true };
  /** That incident state could not be read or saved, and what that means. */
  readonly warning?: string;
  /** Why nothing is said about the run (not watched). */
  readonly info?: string;
}

export function unreadOutcome(
  where: DetectorContext,
  i: Pick<DetectorInputs, 'workflows' | 'branches' | 'failure-conclusions' | 'severity' | 'runbook-url'>,
  error: unknown,
  now: Date,
): UnreadOutcome {
  const how = githubFailure(error);
  const trigger = where.trigger;
  if (!trigger || !how) return {};
  const run = trigger.run;
  const workflow = workflowLabel(run.workflowName, trigger.workflowPath, run.workflowId);
  const branch = run.branch;
  const ref = { name: run.workflowName, path: trigger.workflowPath };
  const selected = !i.workflows.length || i.workflows.some((w) => matchesWorkflow(ref, w));
  const watched =
    !!branch &&
    (i.branches.includes('*') ||
      (i.branches.length ? i.branches.includes(branch) : branch === where.defaultBranch));
  if (!selected || !watched)
    return {
      info: oneLine(
        `No alert for run ${run.id}: ${workflow} on ${branch ?? 'no branch'} is not known to be among the watched workflows and branches, and GitHub ${how}.`,
      ),
    };
  const state = `Incident state could not be read or saved: GitHub ${how}.`;
  if (!run.conclusion || !i['failure-conclusions'].includes(run.conclusion))
    return {
      warning: oneLine(
        `${state} Run ${run.id} of ${workflow} on ${branch} ended ${run.conclusion ?? 'without a conclusion'}: if it ended a streak, its recovery was not sent and the incident stays open until a later run.`,
      ),
    };
  const onDefault = where.defaultBranch ? branch === where.defaultBranch : undefined;
  const embed = withContext(
    unreadAlertEmbed(run, workflow, how, where.repository, now),
    contextOf(i, where)('repeated-failure', onDefault === undefined ? {} : { defaultBranch: onDefault }),
    false,
  );
  const title = embed.title ?? '';
  return {
    alert: { title, embed, pings: true },
    warning: oneLine(
      `${state} Sent "${title}" without the streak: until GitHub answers again, every failure alerts like this, even one of an incident already alerted.`,
    ),
  };
}

/**
 * A detection that could not read GitHub: sends the alert the triggering run still allows, warns,
 * writes the summary and outputs when there was something to say, and fails the step with `error`.
 */
export async function reportUnread(
  rt: Runtime,
  error: string,
  outcome: UnreadOutcome,
  notify: NotifyOptions,
  repository: string,
): Promise<void> {
  if (outcome.info) rt.info(outcome.info);
  const alerts = outcome.alert ? [outcome.alert] : [];
  const delivered = alerts.length ? await sendNotifications(rt, alerts, notify) : new Set();
  if (outcome.warning) {
    rt.warning(outcome.warning, 'Incident state not read');
    const status = (a: (typeof alerts)[number]) =>
      delivered.has(a) ? 'sent' : notify.dryRun ? 'dry run, not sent' : 'not delivered';
    const report = [
      `### Repeated failures in ${cell(repository)}`,
      '',
      `⚠️ ${cell(oneLine(error))}`,
      '',
      '#### Sent',
      '',
      ...(alerts.length
        ? alerts.map((a) => `- ${cell(oneLine(a.title))} (${status(a)})`)
        : ['Nothing sent.']),
      `- ⚠️ ${cell(outcome.warning)}`,
    ].join('\n');
    rt.appendSummary(`${report}\n`);
    setOutputs(rt, {
      streaks: '[]',
      flaky: '[]',
      silent: '[]',
      alerted: String(delivered.size),
      report: `${report}\n`,
    });
  }
  rt.setFailed(error);
}
