import { oneLine, type RunContext } from '@sre-toolkit/action';
import { toRunInfo, type RunInfo } from '@sre-toolkit/github';
import { fromRepository } from './runs';

/**
 * What the detector looks at, read from the run's context: the repository, and in `workflow_run`
 * mode the run that triggered it. The payload is outside data: every field may be missing or of the
 * wrong type, and each one that is degrades (a default, a skip with a reason), never a crash.
 */

export interface TriggerRun {
  readonly run: RunInfo;
  /** `.github/workflows/ci.yml`; empty when the payload did not say (the scan asks GitHub). */
  readonly workflowPath: string;
}

export interface DetectorContext {
  /** `owner/name` */
  readonly repository: string;
  readonly owner: string;
  readonly repo: string;
  /** `https://github.com`, or the GitHub Enterprise Server. */
  readonly serverUrl: string;
  /** `workflow_run` mode: the completed run that triggered us. */
  readonly trigger?: TriggerRun;
  /** The repository's default branch when the event payload told us (saves a request). */
  readonly defaultBranch?: string;
  /** The detector's own workflow, left out of a scan (and used to find the previous scan). */
  readonly self?: { readonly path?: string; readonly name?: string; readonly runId?: number };
}

type Json = Record<string, unknown>;
const object = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A string that says something: GitHub's own example payloads carry `workflow_run.name: ""`. */
const filled = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/**
 * What to call a workflow: its display name, else its file name (a workflow without `name:` is
 * shown by its path on GitHub), else its id. Never empty.
 */
export function workflowLabel(name: string | undefined, path: string | undefined, id: number): string {
  if (name?.trim()) return name;
  const file = path?.slice(path.lastIndexOf('/') + 1);
  return file?.trim() ? file : `workflow ${id}`;
}

/** The path part of GITHUB_WORKFLOW_REF (`owner/repo/.github/workflows/x.yml@refs/heads/main`). */
export function workflowPathFromRef(ref: string | undefined): string | undefined {
  const m = /^[^/]+\/[^/]+\/(.+?)@/.exec(ref ?? '');
  return m?.[1];
}

/**
 * The context of a scan, or why there is nothing to do (`skip`, a log line): a `workflow_run`
 * that is not `completed`, has no run or workflow id, or ran code from a fork.
 */
export function detectorContext(
  ctx: RunContext,
  env: NodeJS.ProcessEnv,
  repositoryInput: string,
  now: Date,
): DetectorContext | { readonly skip: string } {
  const repository = repositoryInput || ctx.repository;
  const [owner = '', repo = ''] = repository.split('/');
  const ours = repository === ctx.repository;
  const payloadRepo = object(ctx.payload.repository);
  const defaultBranch =
    text(payloadRepo?.full_name) === repository ? text(payloadRepo?.default_branch) : undefined;
  const selfPath = ours ? workflowPathFromRef(env.GITHUB_WORKFLOW_REF) : undefined;
  const self = ours
    ? {
        ...(selfPath ? { path: selfPath } : {}),
        name: ctx.workflow,
        ...(ctx.runId ? { runId: Number(ctx.runId) } : {}),
      }
    : undefined;
  const base = {
    repository,
    owner,
    repo,
    serverUrl: ctx.serverUrl,
    ...(defaultBranch ? { defaultBranch } : {}),
    ...(self ? { self } : {}),
  };
  if (ctx.eventName !== 'workflow_run') return base;
  const trigger = readTrigger(ctx.payload, repository, ctx.serverUrl, now);
  return 'skip' in trigger ? trigger : { ...base, trigger };
}

/** The triggering run of a `workflow_run` payload, every optional field defaulted. */
export function readTrigger(
  payload: Json,
  repository: string,
  serverUrl: string,
  now: Date,
): TriggerRun | { readonly skip: string } {
  const action = text(payload.action);
  const wr = object(payload.workflow_run);
  if (action === 'completed' && !wr)
    return { skip: 'Nothing to do: this workflow_run event carries no workflow_run.' };
  if (!wr || action !== 'completed')
    return {
      skip: `Nothing to do: this workflow_run event is "${oneLine(action ?? 'unknown')}", not "completed".`,
    };
  const id = count(wr.id);
  const workflowId = count(wr.workflow_id) ?? count(object(payload.workflow)?.id);
  if (id === undefined || workflowId === undefined)
    return { skip: 'Nothing to do: the workflow_run payload names no run id or workflow id.' };
  const workflow = object(payload.workflow);
  const created = text(wr.created_at) ?? text(wr.run_started_at) ?? text(wr.updated_at) ?? now.toISOString();
  const run = toRunInfo({
    id,
    workflow_id: workflowId,
    name: filled(wr.name) ?? filled(workflow?.name) ?? '',
    head_branch: text(wr.head_branch) ?? null,
    status: text(wr.status) ?? null,
    conclusion: text(wr.conclusion) ?? null,
    event: text(wr.event) ?? '',
    created_at: created,
    updated_at: text(wr.updated_at) ?? created,
    run_attempt: count(wr.run_attempt) ?? 1,
    run_number: count(wr.run_number) ?? 0,
    html_url: text(wr.html_url) ?? `${serverUrl}/${repository}/actions/runs/${id}`,
    head_sha: text(wr.head_sha) ?? '',
    display_title: text(wr.display_title) ?? '',
    head_commit: { message: text(object(wr.head_commit)?.message) ?? '' },
    actor: { login: text(object(wr.actor)?.login) ?? '' },
    repository: { id: count(object(wr.repository)?.id) },
    head_repository: originOf(wr.head_repository),
  });
  const path = filled(workflow?.path) ?? filled(wr.path)?.replace(/@.*$/, '') ?? '';
  if (!fromRepository(run, repository)) {
    const fork = run.headRepository?.fullName;
    return {
      skip: oneLine(
        `Nothing to do: run ${id} of ${workflowLabel(run.workflowName, path, workflowId)} on ${run.branch ?? 'no branch'} ran code from ${fork ? `the fork ${fork}` : 'a fork'}; runs from forks never open or close an incident.`,
      ),
    };
  }
  return { run, workflowPath: path };
}

function originOf(value: unknown): { id?: number; full_name?: string } | undefined {
  const o = object(value);
  if (!o) return undefined;
  const id = count(o.id);
  const name = text(o.full_name);
  return { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { full_name: name } : {}) };
}
