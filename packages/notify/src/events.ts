import type { RunContext } from '@sre-toolkit/action';
import { author, eventRepoField, eventRepoUrl, field, repoField, repoName, runField } from './links';
import { STATUS_TONE, type Draft, type Status } from './notification';
import { safeUrl, str, type Payload } from './payload-access';
import {
  pullRequest,
  review,
  reviewComment,
  issues,
  issueComment,
  release,
  push,
  createOrDelete,
} from './code-events';
import { esc, words, type EventView, type Handler } from './event-view';
import {
  workflowRun,
  workflowJob,
  deployment,
  deploymentStatus,
  checkRun,
  checkSuite,
  schedule,
  dispatch,
  TRIGGERING_RUN,
} from './run-events';

export { toneOf } from './event-view';

/** Developer events: one handler per GitHub event type, and a generic message for the rest. */

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
      ...(ctx.eventName === 'schedule' || ctx.eventName === 'workflow_dispatch'
        ? []
        : runField(ctx, fields.some((f) => f.name === TRIGGERING_RUN) ? 'This run' : 'Run')),
    ],
    footer: `${ctx.repository || repoName(ctx)} • ${ctx.eventName || 'event'}`,
  };
}
