import type { APIEmbedField } from 'discord-api-types/v10';
import { formatDuration } from '@sre-toolkit/action';
import { field } from './links';
import type { Status } from './notification';
import { str, type Payload } from './payload-access';

/** When the thing an event reports on started and ended, read from the payload's own times. */
export interface Span {
  readonly start: Date;
  readonly end: Date;
}

const time = (p: Payload, path: string): Date | undefined => {
  const t = str(p, path);
  const d = t ? new Date(t) : undefined;
  return d && Number.isFinite(d.getTime()) ? d : undefined;
};

const completed = (p: Payload, key: string) =>
  str(p, 'action') === 'completed' || str(p, `${key}.status`) === 'completed';

const FINAL_DEPLOYMENT_STATES = new Set(['success', 'failure', 'error', 'inactive']);

/**
 * workflow_run: from `run_started_at` (reset on a re-run) to `updated_at` once completed;
 * workflow_job: `started_at` to `completed_at`; deployment_status: the deployment's `created_at` to
 * the status's, once the deployment has an outcome. Undefined for anything else or a span that is
 * not positive (GitHub's examples have runs that "ended" the second they started).
 */
export function eventSpan(eventName: string, p: Payload): Span | undefined {
  let start: Date | undefined;
  let end: Date | undefined;
  if (eventName === 'workflow_run' && completed(p, 'workflow_run')) {
    start = time(p, 'workflow_run.run_started_at');
    end = time(p, 'workflow_run.updated_at');
  } else if (eventName === 'workflow_job' && completed(p, 'workflow_job')) {
    start = time(p, 'workflow_job.started_at');
    end = time(p, 'workflow_job.completed_at');
  } else if (
    eventName === 'deployment_status' &&
    FINAL_DEPLOYMENT_STATES.has(str(p, 'deployment_status.state') ?? '')
  ) {
    start = time(p, 'deployment.created_at');
    end = time(p, 'deployment_status.created_at') ?? time(p, 'deployment_status.updated_at');
  }
  return start && end && end > start ? { start, end } : undefined;
}

/** A Duration field from the payload's times, or none. */
export function eventDurationField(eventName: string, p: Payload): APIEmbedField[] {
  const span = eventSpan(eventName, p);
  return span ? field('Duration', formatDuration(span.end.getTime() - span.start.getTime())) : [];
}

/**
 * The job status a deployment_status event reports, when the workflow left `status` at its `info`
 * default: the payload's state wins, so a successful deployment is not announced as "Deploying".
 */
export function deploymentState(eventName: string, p: Payload): Status | undefined {
  if (eventName !== 'deployment_status') return undefined;
  switch (str(p, 'deployment_status.state')) {
    case 'success':
      return 'success';
    case 'failure':
    case 'error':
      return 'failure';
    case 'inactive':
      return 'cancelled';
    default:
      return undefined;
  }
}
