import { formatDuration, oneLine, type Runtime, type Severity } from '@sre-toolkit/action';
import { deployLookup, describeGitHubError, type GitHubClient } from '@sre-toolkit/github';
import { workflowLabel, type DetectorContext } from './context';
import { incidentWriter } from './incident-writer';
import { applyScan, contextOf, type ApplyResult } from './incidents';
import { scan, type ScanResult } from './scan';
import { unreadOutcome, type UnreadOutcome } from './unread-alert';

/**
 * One detection, end to end on the GitHub side: scan (read), then plan and write incidents. What
 * to send and how to report it is the caller's (main.ts: deliver, then summary and outputs).
 */

/** The action's parsed inputs this needs (the names are the action's interface). */
export interface DetectorInputs {
  readonly workflows: readonly string[];
  readonly branches: readonly string[];
  readonly threshold: number;
  readonly 'failure-conclusions': readonly string[];
  readonly lookback: number;
  readonly flaky: boolean;
  readonly 'failure-rate'?: number | undefined;
  readonly 'min-runs': number;
  readonly 'remind-every'?: number | undefined;
  readonly issue: boolean;
  readonly 'issue-label': string;
  readonly 'dry-run': boolean;
  readonly stale: boolean;
  readonly 'stale-after': number;
  readonly severity: 'auto' | Severity;
  readonly 'runbook-url': string;
  readonly 'deploy-environment': string;
  readonly 'deploy-window': number;
}

export interface Detection extends ApplyResult {
  readonly scan: ScanResult;
  /** GitHub API requests made. */
  readonly requests: () => number;
  /** 'Scan' or 'workflow_run of <name>', for the summary. */
  readonly mode: string;
}

/** Why a detection ended early and, when GitHub failed mid-read, what the triggering run allows. */
export interface DetectionError extends UnreadOutcome {
  readonly error: string;
}

export async function detect(
  rt: Runtime,
  client: GitHubClient,
  where: DetectorContext,
  i: DetectorInputs,
): Promise<Detection | DetectionError> {
  let requests = 0;
  client.hook.before('request', () => {
    requests++;
  });
  const now = rt.now();
  const failing = new Set<string>(i['failure-conclusions']);
  const rate = i['failure-rate'];
  const { owner, repo, trigger } = where;
  let result: ScanResult;
  try {
    result = await scan(client, {
      owner,
      repo,
      workflows: i.workflows,
      branches: i.branches,
      threshold: i.threshold,
      failing,
      lookbackMs: i.lookback,
      flaky: i.flaky,
      ...(rate !== undefined ? { failureRate: rate } : {}),
      minRuns: i['min-runs'],
      ...(i['remind-every'] !== undefined ? { remindEvery: i['remind-every'] } : {}),
      issue: i.issue,
      issueLabel: i['issue-label'],
      now,
      ...(where.defaultBranch ? { defaultBranch: where.defaultBranch } : {}),
      ...(trigger ? { trigger } : {}),
      ...(where.self ? { self: where.self } : {}),
      ...(i.stale ? { staleAfter: i['stale-after'] } : {}),
    });
  } catch (error) {
    return { error: describeScanError(error, where.repository), ...unreadOutcome(where, i, error, now) };
  }
  for (const w of result.warnings) rt.warning(oneLine(w), 'Unknown workflow');
  for (const w of result.silentWarnings) rt.warning(oneLine(w), 'Schedule not read');
  if (!i.issue)
    for (const look of result.silent)
      if (look.silence)
        rt.warning(
          oneLine(
            `${look.workflow.name} is not running on schedule (${look.silence.reason}); with issue: false nothing remembers an alert, so none is sent.`,
          ),
          'Silent monitor',
        );
  if (!result.targets.length && i.workflows.length && result.warnings.length === i.workflows.length)
    return { error: 'None of the workflows named in the workflows input exists (see the warnings above).' };
  if (trigger && !result.targets.length) {
    rt.info(
      oneLine(
        `Nothing to do: ${workflowLabel(trigger.run.workflowName, trigger.workflowPath, trigger.run.workflowId)} on ${trigger.run.branch ?? 'no branch'} is not among the selected workflows and branches.`,
      ),
    );
  }
  const writes = i.issue && !i['dry-run'];
  const applied = await applyScan(client, result, {
    owner,
    repo,
    ...(writes
      ? {
          writer: incidentWriter(client, {
            owner,
            repo,
            label: i['issue-label'],
            labelExists: result.labelExists,
          }),
        }
      : {}),
    failing,
    ...(rate !== undefined ? { rateThreshold: rate } : {}),
    lookbackText: formatDuration(i.lookback),
    serverUrl: where.serverUrl,
    now,
    log: (m) => rt.info(m),
    context: contextOf(i, where),
    ...(i['deploy-environment'] && i['deploy-environment'] !== 'none'
      ? {
          deployBefore: deployLookup(client, {
            owner,
            repo,
            environment: i['deploy-environment'],
            windowMs: i['deploy-window'],
          }),
        }
      : {}),
  });
  return {
    ...applied,
    scan: result,
    requests: () => requests,
    mode: trigger
      ? `workflow_run of ${oneLine(result.targets[0]?.workflow.name ?? workflowLabel(trigger.run.workflowName, trigger.workflowPath, trigger.run.workflowId))}`
      : 'Scan',
  };
}

/** Names what was being read when GitHub refused, and the permission that would fix a 403. */
export function describeScanError(error: unknown, repository: string): string {
  const url =
    error && typeof error === 'object' && 'request' in error
      ? String((error.request as { url?: string } | undefined)?.url ?? '')
      : '';
  if (/\/issues/.test(url))
    return describeGitHubError(error, `listing issues of ${repository}`, 'issues: read');
  if (/\/actions\//.test(url))
    return describeGitHubError(error, `reading workflow runs of ${repository}`, 'actions: read');
  return describeGitHubError(error, `reading ${repository}`, 'contents: read');
}
