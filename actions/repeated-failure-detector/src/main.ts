import {
  formatDuration,
  parseInputs,
  readRunContext,
  reportInputErrors,
  type Runtime,
} from '@sre-toolkit/action';
import { buildMessages, maskWebhookUrls, postMessages, type Transport } from '@sre-toolkit/discord';
import {
  applyScan,
  flakeOutputs,
  reportMarkdown,
  scan,
  streakOutputs,
  workflowPathFromRef,
  type Notification,
  type TriggerRun,
} from '@sre-toolkit/failures';
import { createGitHubClient, describeGitHubError, toRunInfo, type ApiWorkflowRun } from '@sre-toolkit/github';
import { inputs } from './inputs';

export const USER_AGENT = 'sre-toolkit-repeated-failure-detector/1.0 (+https://github.com/features/actions)';

export async function run(rt: Runtime, transport?: Transport): Promise<void> {
  rt.setSecret(rt.input('github-token'));
  maskWebhookUrls(rt.input('webhook-url'), (s) => rt.setSecret(s));
  const parsed = parseInputs(inputs, (name) => rt.input(name));
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

  const delivered = new Set<Notification>();
  const notifications = applied.notifications;
  if (notifications.length && i['dry-run']) {
    for (const n of notifications) rt.info(`Dry run: would send "${n.title}"`);
  } else if (notifications.length && !i['webhook-url'].length) {
    rt.info(`No webhook-url: ${notifications.length} notification(s) only in the job summary and issues.`);
  } else if (notifications.length) {
    // Alerts ping; recoveries and cleared rates never do, so they travel in messages of their own.
    const batches = [notifications.filter((n) => n.pings), notifications.filter((n) => !n.pings)].filter(
      (b) => b.length,
    );
    for (const batch of batches) {
      const messages = buildMessages(
        batch.map((n) => n.embed),
        batch[0]?.pings ? { mentions: i.mention } : {},
      );
      const outcome = await postMessages(rt, i['webhook-url'], messages, {
        timeoutMs: 30_000,
        failOnError: i['fail-on-error'],
        userAgent: USER_AGENT,
        what: 'repeated-failure alert',
        ...(transport ? { transport } : {}),
      });
      // A notification counts as sent when the message carrying it reached a webhook.
      const reached = Math.max(0, ...outcome.results.map((r) => r.delivered));
      let embedIndex = 0;
      messages.forEach((m, mi) => {
        for (let k = 0; k < (m.embeds?.length ?? 0); k++) {
          const n = batch[embedIndex++];
          if (n && mi < reached) delivered.add(n);
        }
      });
    }
  }

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

/** Names what was being read when GitHub refused, and the permission that would fix a 403. */
function describeScanError(error: unknown, repository: string): string {
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
