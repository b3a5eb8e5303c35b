import type { APIEmbedField } from 'discord-api-types/v10';
import type { RunContext } from '@sre-toolkit/action';
import { escapeMarkdown, TONES, type Tone } from '@sre-toolkit/discord';
import {
  author,
  commitLine,
  eventCommitLine,
  eventRepoField,
  eventRepoUrl,
  eventUserLink,
  field,
  repoField,
  repoName,
  runField,
  runLink,
} from './links';
import { STATUS_TONE, type Draft, type Status } from './notification';
import { arr, at, bool, num, safeUrl, str, type Payload } from './payload-access';

/** Developer events: pull requests, reviews, issues, releases, pushes, runs, deployments, checks. */

interface EventView {
  readonly tone: Tone;
  readonly title: string;
  readonly url?: string;
  readonly description?: string;
  readonly fields?: APIEmbedField[];
}

type Handler = (p: Payload, ctx: RunContext, status: Status) => EventView | undefined;

const BODY_PREVIEW = 600;

/** Untrusted long text (PR and issue bodies, comments, release notes): escaped, one short preview. */
function preview(text: string | undefined, max = BODY_PREVIEW): string | undefined {
  if (!text) return undefined;
  const clean = text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\r\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (!clean) return undefined;
  const cut = clean.length > max ? `${clean.slice(0, max).replace(/\s+\S*$/, '')} …` : clean;
  return escapeMarkdown(cut);
}

const esc = (t: string | undefined) => (t ? escapeMarkdown(t) : undefined);
const words = (action: string | undefined) => (action ?? '').replace(/_/g, ' ');

/** Conclusion or state names (success, failure, timed_out, error, …) mapped onto our tones. */
export function toneOf(conclusion: string | undefined): Tone {
  switch (conclusion) {
    case 'success':
      return 'success';
    case 'failure':
    case 'timed_out':
    case 'startup_failure':
    case 'error':
      return 'failure';
    case 'cancelled':
    case 'stale':
      return 'cancelled';
    case 'skipped':
      return 'skipped';
    case 'action_required':
    case 'neutral':
      return 'warning';
    default:
      return 'info';
  }
}

function outcomeWord(conclusion: string | undefined): string {
  switch (conclusion) {
    case 'timed_out':
      return 'timed out';
    case 'startup_failure':
      return 'failed to start';
    case 'action_required':
      return 'needs approval';
    case undefined:
    case '':
      return 'finished';
    default:
      return TONES[toneOf(conclusion)].word;
  }
}

const pullRequest: Handler = (p) => {
  const pr = 'pull_request';
  const number = num(p, `${pr}.number`) ?? num(p, 'number');
  const title = str(p, `${pr}.title`) ?? '';
  let action = str(p, 'action');
  let tone: Tone = 'info';
  if (action === 'closed' && bool(p, `${pr}.merged`)) {
    action = 'merged';
    tone = 'success';
  } else if (action === 'closed') tone = 'cancelled';
  const head = str(p, `${pr}.head.ref`);
  const base = str(p, `${pr}.base.ref`);
  const adds = num(p, `${pr}.additions`);
  const dels = num(p, `${pr}.deletions`);
  const files = num(p, `${pr}.changed_files`);
  const reviewers = [str(p, 'requested_reviewer.login'), str(p, 'requested_team.name')].filter(
    Boolean,
  ) as string[];
  const label = str(p, 'label.name');
  const phrase =
    action === 'review_requested'
      ? 'review requested'
      : action === 'ready_for_review'
        ? 'ready for review'
        : words(action);
  return {
    tone,
    title: `🔀 PR #${number ?? '?'} ${phrase}: ${title}`,
    url: safeUrl(str(p, `${pr}.html_url`)),
    description:
      action === 'opened' || action === 'ready_for_review' ? preview(str(p, `${pr}.body`)) : undefined,
    fields: [
      ...eventRepoField(p),
      ...field('Branch', head && base ? `${escapeMarkdown(head)} → ${escapeMarkdown(base)}` : esc(head)),
      ...field('Author', eventUserLink(p, str(p, `${pr}.user.login`))),
      ...(reviewers.length ? field('Reviewers', escapeMarkdown(reviewers.join(', '))) : []),
      ...(label ? field('Label', escapeMarkdown(label)) : []),
      ...(adds !== undefined && dels !== undefined
        ? field('Changes', `+${adds} −${dels}${files !== undefined ? ` in ${files} files` : ''}`)
        : []),
      ...(bool(p, `${pr}.draft`) ? field('Draft', 'yes') : []),
    ],
  };
};

const review: Handler = (p) => {
  const state = str(p, 'review.state')?.toLowerCase();
  const tone: Tone = state === 'approved' ? 'success' : state === 'changes_requested' ? 'warning' : 'info';
  const number = num(p, 'pull_request.number');
  const verdict =
    state === 'approved'
      ? 'approved'
      : state === 'changes_requested'
        ? 'changes requested'
        : state === 'commented'
          ? 'commented'
          : words(str(p, 'action'));
  return {
    tone,
    title: `👀 Review on PR #${number ?? '?'}: ${verdict}`,
    url: safeUrl(str(p, 'review.html_url')) ?? safeUrl(str(p, 'pull_request.html_url')),
    description: preview(str(p, 'review.body')),
    fields: [
      ...eventRepoField(p),
      ...field('Pull request', esc(str(p, 'pull_request.title'))),
      ...field('Reviewer', eventUserLink(p, str(p, 'review.user.login'))),
    ],
  };
};

const reviewComment: Handler = (p) => ({
  tone: 'info',
  title: `💬 Review comment on PR #${num(p, 'pull_request.number') ?? '?'}: ${str(p, 'pull_request.title') ?? ''}`,
  url: safeUrl(str(p, 'comment.html_url')),
  description: preview(str(p, 'comment.body')),
  fields: [
    ...eventRepoField(p),
    ...field('File', esc(str(p, 'comment.path'))),
    ...field('By', eventUserLink(p, str(p, 'comment.user.login'))),
  ],
});

const issues: Handler = (p) => {
  const action = str(p, 'action');
  const tone: Tone =
    action === 'closed' ? (str(p, 'issue.state_reason') === 'not_planned' ? 'cancelled' : 'success') : 'info';
  const labels = arr(p, 'issue.labels')
    .map((l) => str(l, 'name'))
    .filter(Boolean) as string[];
  return {
    tone,
    title: `🐛 Issue #${num(p, 'issue.number') ?? '?'} ${words(action)}: ${str(p, 'issue.title') ?? ''}`,
    url: safeUrl(str(p, 'issue.html_url')),
    description: action === 'opened' ? preview(str(p, 'issue.body')) : undefined,
    fields: [
      ...eventRepoField(p),
      ...field('Author', eventUserLink(p, str(p, 'issue.user.login'))),
      ...(labels.length ? field('Labels', escapeMarkdown(labels.slice(0, 10).join(', '))) : []),
      ...(str(p, 'assignee.login') ? field('Assignee', eventUserLink(p, str(p, 'assignee.login'))) : []),
    ],
  };
};

const issueComment: Handler = (p) => {
  const isPr = at(p, 'issue.pull_request') !== undefined;
  return {
    tone: 'info',
    title: `💬 Comment on ${isPr ? 'PR' : 'issue'} #${num(p, 'issue.number') ?? '?'}: ${str(p, 'issue.title') ?? ''}`,
    url: safeUrl(str(p, 'comment.html_url')) ?? safeUrl(str(p, 'issue.html_url')),
    description: str(p, 'action') === 'deleted' ? 'Comment deleted.' : preview(str(p, 'comment.body')),
    fields: [...eventRepoField(p), ...field('By', eventUserLink(p, str(p, 'comment.user.login')))],
  };
};

const release: Handler = (p) => {
  const action = str(p, 'action');
  const name = str(p, 'release.name') ?? str(p, 'release.tag_name') ?? '';
  const tone: Tone =
    action === 'published' || action === 'released' ? 'success' : action === 'deleted' ? 'cancelled' : 'info';
  return {
    tone,
    title: `🏷️ Release ${name} ${words(action)}`,
    url: safeUrl(str(p, 'release.html_url')),
    description:
      action === 'published' || action === 'released' || action === 'created'
        ? preview(str(p, 'release.body'), 1500)
        : undefined,
    fields: [
      ...eventRepoField(p),
      ...field('Tag', esc(str(p, 'release.tag_name'))),
      ...(bool(p, 'release.prerelease') ? field('Pre-release', 'yes') : []),
      ...field('By', eventUserLink(p, str(p, 'release.author.login') ?? str(p, 'sender.login'))),
    ],
  };
};

const push: Handler = (p, ctx) => {
  const ref = str(p, 'ref') ?? ctx.ref;
  const isTag = ref.startsWith('refs/tags/');
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  const kind = isTag ? 'Tag' : 'Branch';
  if (bool(p, 'deleted'))
    return {
      tone: 'cancelled',
      title: `🗑️ ${kind} ${name} deleted`,
      url: eventRepoUrl(p, ctx),
      fields: eventRepoField(p),
    };
  const commits = arr(p, 'commits');
  const count = commits.length;
  const lines = commits.slice(-10).map((c) => {
    const line = commitLine(ctx, str(c, 'id'), str(c, 'message')) ?? '';
    const who = str(c, 'author.username') ?? str(c, 'author.name');
    return who ? `${line} — ${escapeMarkdown(who)}` : line;
  });
  if (count > 10) lines.unshift(`… and ${count - 10} earlier commits`);
  const created = bool(p, 'created');
  const forced = bool(p, 'forced');
  const title = created
    ? `🌱 ${kind} ${name} created${count ? ` with ${count} commit${count === 1 ? '' : 's'}` : ''}`
    : `📦 ${count} commit${count === 1 ? '' : 's'} pushed to ${name}${forced ? ' (force-push)' : ''}`;
  return {
    tone: forced ? 'warning' : 'info',
    title,
    url: safeUrl(str(p, 'compare')) ?? eventRepoUrl(p, ctx),
    description: lines.join('\n') || undefined,
    fields: [...eventRepoField(p), ...field('Pusher', esc(str(p, 'pusher.name') ?? str(p, 'sender.login')))],
  };
};

const createOrDelete =
  (verb: 'created' | 'deleted'): Handler =>
  (p, ctx) => ({
    tone: verb === 'created' ? 'info' : 'cancelled',
    title: `${verb === 'created' ? '🌱' : '🗑️'} ${str(p, 'ref_type') === 'tag' ? 'Tag' : 'Branch'} ${str(p, 'ref') ?? ''} ${verb}`,
    url: eventRepoUrl(p, ctx),
    fields: eventRepoField(p),
  });

const workflowRun: Handler = (p) => {
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
      ...field('Run', runLink(str(p, 'workflow_run.run_number'), str(p, 'workflow_run.html_url'))),
    ],
  };
};

const workflowJob: Handler = (p) => {
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
    ],
  };
};

const deployment: Handler = (p) => ({
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

const deploymentStatus: Handler = (p) => {
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
    ],
  };
};

const checkRun: Handler = (p) => {
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

const checkSuite: Handler = (p) => {
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

const schedule: Handler = (p, ctx) => ({
  tone: 'info',
  title: `⏰ Scheduled run of ${ctx.workflow || 'workflow'}`,
  url: ctx.runUrl,
  fields: [
    ...field('Schedule', str(p, 'schedule') ? `\`${str(p, 'schedule')}\`` : undefined),
    ...field('Branch', esc(ctx.refName)),
  ],
});

const dispatch: Handler = (p, ctx) => {
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

const HANDLERS: Record<string, Handler> = {
  pull_request: pullRequest,
  pull_request_target: pullRequest,
  pull_request_review: review,
  pull_request_review_comment: reviewComment,
  issues,
  issue_comment: issueComment,
  release,
  push,
  create: createOrDelete('created'),
  delete: createOrDelete('deleted'),
  workflow_run: workflowRun,
  workflow_job: workflowJob,
  deployment,
  deployment_status: deploymentStatus,
  check_run: checkRun,
  check_suite: checkSuite,
  schedule,
  workflow_dispatch: dispatch,
};

/** Any event GitHub may send, including ones without a handler: event, action, repository, sender, link. */
const generic = (p: Payload, ctx: RunContext, status: Status): EventView => {
  const action = str(p, 'action');
  const entity = Object.values(p).find(
    (v) => v && typeof v === 'object' && safeUrl(str(v, 'html_url')) && v !== p.repository && v !== p.sender,
  );
  const name = str(entity, 'title') ?? str(entity, 'name') ?? str(entity, 'login');
  const tone = STATUS_TONE[status];
  return {
    tone,
    title: `📣 ${ctx.eventName || 'event'}${action ? ` ${words(action)}` : ''}${repoName(ctx) ? ` in ${repoName(ctx)}` : ''}${name ? `: ${name}` : ''}`,
    url: safeUrl(str(entity, 'html_url')) ?? eventRepoUrl(p, ctx),
    fields: [...field('Event', esc(ctx.eventName)), ...field('Action', esc(action)), ...eventRepoField(p)],
  };
};

export function renderEvent(ctx: RunContext, status: Status): Draft {
  const handler = HANDLERS[ctx.eventName];
  let view: EventView | undefined;
  try {
    view = handler?.(ctx.payload, ctx, status);
  } catch {
    view = undefined; // a payload shape no handler expected: the generic message still says what happened
  }
  view ??= generic(ctx.payload, ctx, status);
  // A job status other than info (e.g. `status: failure` on a pull_request job) colours the message.
  const tone = status === 'info' ? view.tone : STATUS_TONE[status];
  const fields = view.fields ?? [];
  const hasRepo = fields.some((f) => f.name === 'Repository');
  return {
    tone,
    title: view.title.replace(/\s+/g, ' ').trim(),
    ...(view.url ? { url: view.url } : { url: ctx.runUrl }),
    ...(view.description ? { description: view.description } : {}),
    author: author(ctx),
    fields: [
      ...(hasRepo ? [] : repoField(ctx)),
      ...fields,
      ...(ctx.eventName === 'schedule' || ctx.eventName === 'workflow_dispatch' ? [] : runField(ctx)),
    ],
    footer: `${ctx.repository || repoName(ctx)} • ${ctx.eventName || 'event'}`,
  };
}
