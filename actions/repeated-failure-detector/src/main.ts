import {
  formatDuration,
  parseInputs,
  readRunContext,
  reportInputErrors,
  type Runtime,
} from '@sre-toolkit/action';
import type { Transport } from '@sre-toolkit/discord';
import {
  applyScan,
  describeScanError,
  flakeOutputs,
  reportMarkdown,
  scan,
  sendNotifications,
  streakOutputs,
  workflowPathFromRef,
  type TriggerRun,
} from '@sre-toolkit/failures';
import { createGitHubClient, toRunInfo, type ApiWorkflowRun } from '@sre-toolkit/github';
import { inputs } from './inputs';

export const USER_AGENT = 'sre-toolkit-repeated-failure-detector/1.0 (+https://github.com/features/actions)';

export async function run(rt: Runtime, transport?: Transport): Promise<void> {
  const parsed = parseInputs(inputs, rt);
  if (!parsed.ok) return reportInputErrors(rt, parsed.errors);
  const i = parsed.value;
  const ctx = readRunContext(rt.env);
  const repository = i.repository || ctx.repository;
  const [owner = '', repo = ''] = repository.split('/');
  const now = rt.now();

  let trigger: TriggerRun | undefined;
  if (ctx.eventName === 'workflow_run') {
    const payload = ctx.payload as {
      action?: string;
      workflow_run?: ApiWorkflowRun;
      workflow?: { path?: string };
    };
    if (!payload.workflow_run || payload.action !== 'completed') {
      rt.info(`Nothing to do: this workflow_run event is "${payload.action ?? 'unknown'}", not "completed".`);
      return setEmptyOutputs(rt);
    }
    trigger = {
      run: toRunInfo(payload.workflow_run),
      workflowPath: payload.workflow?.path ?? payload.workflow_run.path.replace(/@.*$/, ''),
    };
  }
  const payloadRepo = ctx.payload.repository as { full_name?: string; default_branch?: string } | undefined;
  const defaultBranch = payloadRepo?.full_name === repository ? payloadRepo.default_branch : undefined;
  const selfPath =
    repository === ctx.repository ? workflowPathFromRef(rt.env.GITHUB_WORKFLOW_REF) : undefined;

  const client = createGitHubClient({
    token: i['github-token'],
    baseUrl: ctx.apiUrl,
    userAgent: USER_AGENT,
    log: (m) => rt.info(m),
    budgetMs: i['github-timeout'],
  });
  let requests = 0;
  client.hook.before('request', () => {
    requests++;
  });

  const failing = new Set<string>(i['failure-conclusions']);
  let result;
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
      ...(i['failure-rate'] !== undefined ? { failureRate: i['failure-rate'] } : {}),
      minRuns: i['min-runs'],
      ...(i['remind-every'] !== undefined ? { remindEvery: i['remind-every'] } : {}),
      issue: i.issue,
      issueLabel: i['issue-label'],
      now,
      ...(defaultBranch ? { defaultBranch } : {}),
      ...(trigger ? { trigger } : {}),
      ...(repository === ctx.repository
        ? {
            self: {
              ...(selfPath ? { path: selfPath } : {}),
              name: ctx.workflow,
              ...(ctx.runId ? { runId: Number(ctx.runId) } : {}),
            },
          }
        : {}),
    });
  } catch (error) {
    return rt.setFailed(describeScanError(error, repository));
  }
  for (const w of result.warnings) rt.warning(w, 'Unknown workflow');
  if (!result.targets.length && i.workflows.length && result.warnings.length === i.workflows.length) {
    return rt.setFailed(
      'None of the workflows named in the workflows input exists (see the warnings above).',
    );
  }
  if (trigger && !result.targets.length) {
    rt.info(
      `Nothing to do: ${trigger.run.workflowName} on ${trigger.run.branch ?? 'no branch'} is not among the selected workflows and branches.`,
    );
  }

  const applied = await applyScan(client, result, {
    owner,
    repo,
    issue: i.issue,
    issueLabel: i['issue-label'],
    dryRun: i['dry-run'],
    failing,
    ...(i['failure-rate'] !== undefined ? { rateThreshold: i['failure-rate'] } : {}),
    lookbackText: formatDuration(i.lookback),
    serverUrl: ctx.serverUrl,
    now,
    log: (m) => rt.info(m),
  });

  const delivered = await sendNotifications(rt, applied.notifications, {
    webhooks: i['webhook-url'],
    mention: i.mention,
    dryRun: i['dry-run'],
    failOnError: i['fail-on-error'],
    userAgent: USER_AGENT,
    ...(transport ? { transport } : {}),
  });
  const notifications = applied.notifications;

  const report = reportMarkdown(result, notifications, {
    repository,
    mode: trigger ? `workflow_run of ${trigger.run.workflowName}` : 'Scan',
    threshold: i.threshold,
    lookback: formatDuration(i.lookback),
    failing,
    requests,
    dryRun: i['dry-run'],
    delivered,
    errors: applied.errors,
    updates: applied.updates,
  });
  rt.appendSummary(report);
  rt.setOutput('streaks', JSON.stringify(streakOutputs(result, notifications)));
  rt.setOutput('flaky', JSON.stringify(flakeOutputs(result)));
  rt.setOutput('alerted', String(delivered.size));
  rt.setOutput('report', report);
  rt.info(`${requests} GitHub API request(s); ${delivered.size} notification(s) sent.`);
  if (applied.errors.length) {
    for (const e of applied.errors.slice(0, -1)) rt.error(e, 'GitHub issue not written');
    rt.setFailed(applied.errors[applied.errors.length - 1] ?? '');
  }
}

function setEmptyOutputs(rt: Runtime): void {
  rt.setOutput('streaks', '[]');
  rt.setOutput('flaky', '[]');
  rt.setOutput('alerted', '0');
  rt.setOutput('report', '');
}
