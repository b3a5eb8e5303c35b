import { escapeMarkdown, TONES, type Tone } from '@sre-toolkit/discord';
import { eventCommitLine, eventRepoField, eventRepoUrl, eventUserLink, field, runLink } from './links';
import { eventDurationField } from './event-durations';
import { arr, at, num, safeUrl, str } from './payload-access';

/** The field naming the run a workflow_run event reports on, apart from the run that notifies. */
export const TRIGGERING_RUN = 'Triggering run';
import { esc, outcomeWord, preview, toneOf, words, type Handler } from './event-view';

/** Handlers for run events: workflow runs and jobs, deployments, checks, schedules, manual runs. */

export const workflowRun: Handler = (p) => {
  const conclusion = str(p, 'workflow_run.conclusion');
  const action = str(p, 'action');
  const name = str(p, 'workflow_run.name') ?? str(p, 'workflow.name') ?? 'Workflow';
  const branch = str(p, 'workflow_run.head_branch');
  const attempt = num(p, 'workflow_run.run_attempt');
  const tone = action === 'completed' ? toneOf(conclusion) : 'info';
  const state =
    action === 'completed' ? outcomeWord(conclusion) : action === 'requested' ? 'was requested' : 'started';
  const emoji = TONES[tone].emoji;
  return {
    tone,
    title: `${emoji} ${name} ${state}${branch ? ` on ${branch}` : ''}`,
    url: safeUrl(str(p, 'workflow_run.html_url')),
    description: eventCommitLine(
      p,
      str(p, 'workflow_run.head_sha'),
      str(p, 'workflow_run.head_commit.message'),
    ),
    fields: [
      ...eventRepoField(p),
      ...field('Event', esc(str(p, 'workflow_run.event'))),
      ...field(
        'Actor',
        eventUserLink(p, str(p, 'workflow_run.triggering_actor.login') ?? str(p, 'workflow_run.actor.login')),
      ),
      ...(attempt && attempt > 1 ? field('Attempt', String(attempt)) : []),
      ...eventDurationField('workflow_run', p),
      // The run that triggered this workflow; the notifying run is "This run" (see renderEvent).
      ...field(TRIGGERING_RUN, runLink(str(p, 'workflow_run.run_number'), str(p, 'workflow_run.html_url'))),
    ],
  };
};

export const workflowJob: Handler = (p) => {
  const conclusion = str(p, 'workflow_job.conclusion');
  const action = str(p, 'action');
  const tone = action === 'completed' ? toneOf(conclusion) : 'info';
  const failedStep = arr(p, 'workflow_job.steps').find((s) =>
    ['failure', 'timed_out'].includes(str(s, 'conclusion') ?? ''),
  );
  const state = action === 'completed' ? outcomeWord(conclusion) : words(action);
  return {
    tone,
    title: `${TONES[tone].emoji} Job ${str(p, 'workflow_job.name') ?? '?'} ${state}${str(p, 'workflow_job.workflow_name') ? ` in ${str(p, 'workflow_job.workflow_name')}` : ''}`,
    url: safeUrl(str(p, 'workflow_job.html_url')),
    fields: [
      ...eventRepoField(p),
      ...field('Branch', esc(str(p, 'workflow_job.head_branch'))),
      ...(failedStep ? field('Failed step', esc(str(failedStep, 'name'))) : []),
      ...field('Runner', esc(str(p, 'workflow_job.runner_name'))),
      ...eventDurationField('workflow_job', p),
    ],
  };
};

export const deployment: Handler = (p) => ({
  tone: 'info',
  title: `🚀 Deployment to ${str(p, 'deployment.environment') ?? '?'} ${words(str(p, 'action')) || 'created'}`,
  url: eventRepoUrl(p) ? `${eventRepoUrl(p)}/deployments` : undefined,
  description: preview(str(p, 'deployment.description')),
  fields: [
    ...eventRepoField(p),
    ...field('Ref', esc(str(p, 'deployment.ref'))),
    ...field('Commit', eventCommitLine(p, str(p, 'deployment.sha'), undefined)),
    ...field('By', eventUserLink(p, str(p, 'deployment.creator.login'))),
  ],
});

export const deploymentStatus: Handler = (p) => {
  const state = str(p, 'deployment_status.state');
  const tone: Tone =
    state === 'success'
      ? 'success'
      : state === 'failure' || state === 'error'
        ? 'failure'
        : state === 'inactive'
          ? 'cancelled'
          : 'info';
  const env = str(p, 'deployment_status.environment') ?? str(p, 'deployment.environment') ?? '?';
  const phrase: Record<string, string> = {
    success: 'succeeded',
    failure: 'failed',
    error: 'errored',
    inactive: 'is inactive',
    in_progress: 'in progress',
    queued: 'queued',
    pending: 'pending',
  };
  return {
    tone,
    title: `${TONES[tone].emoji} Deployment to ${env} ${phrase[state ?? ''] ?? words(state)}`,
    url:
      safeUrl(str(p, 'deployment_status.environment_url')) ??
      safeUrl(str(p, 'deployment_status.target_url')) ??
      safeUrl(str(p, 'deployment_status.log_url')),
    description: preview(str(p, 'deployment_status.description')),
    fields: [
      ...eventRepoField(p),
      ...field('Ref', esc(str(p, 'deployment.ref'))),
      ...field('Commit', eventCommitLine(p, str(p, 'deployment.sha'), undefined)),
      ...field('By', eventUserLink(p, str(p, 'deployment_status.creator.login'))),
      ...eventDurationField('deployment_status', p),
    ],
  };
};

export const checkRun: Handler = (p) => {
  const conclusion = str(p, 'check_run.conclusion');
  const tone = str(p, 'check_run.status') === 'completed' ? toneOf(conclusion) : 'info';
  const state =
    str(p, 'check_run.status') === 'completed' ? outcomeWord(conclusion) : words(str(p, 'check_run.status'));
  return {
    tone,
    title: `${TONES[tone].emoji} Check ${str(p, 'check_run.name') ?? '?'} ${state}`,
    url: safeUrl(str(p, 'check_run.html_url')),
    description: preview(str(p, 'check_run.output.title')),
    fields: [
      ...eventRepoField(p),
      ...field('Branch', esc(str(p, 'check_run.check_suite.head_branch'))),
      ...field('Commit', eventCommitLine(p, str(p, 'check_run.head_sha'), undefined)),
      ...field('App', esc(str(p, 'check_run.app.name'))),
    ],
  };
};

export const checkSuite: Handler = (p) => {
  const conclusion = str(p, 'check_suite.conclusion');
  const tone = str(p, 'check_suite.status') === 'completed' ? toneOf(conclusion) : 'info';
  return {
    tone,
    title: `${TONES[tone].emoji} Check suite ${str(p, 'check_suite.status') === 'completed' ? outcomeWord(conclusion) : words(str(p, 'action'))}${str(p, 'check_suite.head_branch') ? ` on ${str(p, 'check_suite.head_branch')}` : ''}`,
    url: eventRepoUrl(p),
    fields: [
      ...eventRepoField(p),
      ...field(
        'Commit',
        eventCommitLine(p, str(p, 'check_suite.head_sha'), str(p, 'check_suite.head_commit.message')),
      ),
      ...field('App', esc(str(p, 'check_suite.app.name'))),
    ],
  };
};

export const schedule: Handler = (p, ctx) => ({
  tone: 'info',
  title: `⏰ Scheduled run of ${ctx.workflow || 'workflow'}`,
  url: ctx.runUrl,
  fields: [
    ...field('Schedule', str(p, 'schedule') ? `\`${str(p, 'schedule')}\`` : undefined),
    ...field('Branch', esc(ctx.refName)),
  ],
});

export const dispatch: Handler = (p, ctx) => {
  const inputs = at(p, 'inputs');
  const shown =
    inputs && typeof inputs === 'object'
      ? Object.entries(inputs as Record<string, unknown>)
          .slice(0, 10)
          .map(([k, v]) => `${escapeMarkdown(k)}: ${escapeMarkdown(String(v))}`)
          .join('\n')
      : '';
  return {
    tone: 'info',
    title: `▶️ ${ctx.workflow || 'Workflow'} started by hand on ${str(p, 'ref')?.replace(/^refs\/(heads|tags)\//, '') ?? ctx.refName}`,
    url: ctx.runUrl,
    fields: [
      ...field('By', eventUserLink(p, str(p, 'sender.login'))),
      ...field('Inputs', shown || undefined, false),
    ],
  };
};
