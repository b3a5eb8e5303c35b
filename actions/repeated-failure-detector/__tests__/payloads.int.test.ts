import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  runAction,
  startDiscordServer,
  startGitHubServer,
  webhookExamples,
  type DiscordServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';
import { embedsOf, envFor, SELF, seedRuns } from './fixtures';

let discord: DiscordServer;
let gh: GitHubServer;
let runs: ReturnType<typeof seedRuns>;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});
beforeEach(async () => {
  discord.reset();
  gh = await startGitHubServer({ workflows: [{ name: 'frontend-ci', path: 'frontend-ci.yml' }, SELF] });
  runs = seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure']);
});
afterEach(async () => {
  await gh.close();
});

type Json = Record<string, unknown>;
const completed = webhookExamples().find(
  (e) => e.event === 'workflow_run' && e.payload.action === 'completed',
)!.payload;

/**
 * GitHub's own `workflow_run` completed example, pointed at the third failure of the seeded streak,
 * with `drop` paths (`workflow_run.path`, `workflow.path`, …) deleted.
 */
function payload(drop: readonly string[]): Json {
  const p = structuredClone(completed) as Json;
  const wf = gh.workflow('frontend-ci');
  const last = runs[3]!;
  const repo = { ...(p.repository as Json), full_name: 'acme/mara', name: 'mara', default_branch: 'main' };
  p.repository = repo;
  p.workflow = { ...(p.workflow as Json), id: wf.id, name: wf.name, path: wf.path };
  p.workflow_run = {
    ...(p.workflow_run as Json),
    id: last.id,
    workflow_id: wf.id,
    name: wf.name,
    path: wf.path,
    head_branch: 'main',
    head_sha: last.headSha,
    conclusion: 'failure',
    event: 'push',
    created_at: last.createdAt,
    html_url: `https://github.com/acme/mara/actions/runs/${last.id}`,
    repository: repo,
    head_repository: repo,
  };
  for (const path of drop) {
    const keys = path.split('.');
    const leaf = keys.pop()!;
    const parent = keys.reduce<Json | undefined>((o, k) => o?.[k] as Json | undefined, p);
    if (parent) delete parent[leaf];
  }
  return p;
}

const onPayload = (event: Json, inputs: Record<string, string> = {}) =>
  runAction('repeated-failure-detector', {
    eventName: 'workflow_run',
    event,
    env: envFor(gh),
    inputs: { 'webhook-url': discord.webhookUrl(), ...inputs },
  });

describe('repeated-failure-detector on workflow_run payloads with missing fields', () => {
  it('alerts from a complete example payload (the baseline)', async () => {
    const run = await onPayload(payload([]));
    expect(run.exitCode).toBe(0);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failing on main: 3 failures in a row',
    );
  });

  it('asks GitHub for the workflow when both paths are missing, and still alerts', async () => {
    const run = await onPayload(payload(['workflow.path', 'workflow_run.path']), {
      workflows: 'frontend-ci.yml',
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      `GET /repos/acme/mara/actions/workflows/${gh.workflow('frontend-ci').id}`,
    );
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failing on main: 3 failures in a row',
    );
  });

  it('names the workflow from GitHub when the run and workflow names are missing', async () => {
    const run = await onPayload(payload(['workflow_run.name', 'workflow.name', 'workflow.path']));
    expect(run.exitCode).toBe(0);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failing on main: 3 failures in a row',
    );
  });

  it('does nothing, without a request, for a run without head_branch', async () => {
    const run = await onPayload(payload(['workflow_run.head_branch']));
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.requests).toEqual([]);
    expect(run.log).toContain(
      'Nothing to do: frontend-ci on no branch is not among the selected workflows and branches.',
    );
  });

  it('counts a push run without head_repository as the repository own', async () => {
    const run = await onPayload(payload(['workflow_run.head_repository', 'workflow_run.repository']));
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1);
  });

  it('never crashes, whichever optional fields are missing', async () => {
    const optional = [
      'workflow',
      'repository',
      'workflow_run.path',
      'workflow_run.name',
      'workflow_run.head_branch',
      'workflow_run.head_repository',
      'workflow_run.repository',
      'workflow_run.head_commit',
      'workflow_run.head_sha',
      'workflow_run.html_url',
      'workflow_run.created_at',
      'workflow_run.updated_at',
      'workflow_run.run_attempt',
      'workflow_run.run_number',
      'workflow_run.display_title',
      'workflow_run.actor',
      'workflow_run.conclusion',
      'workflow_run.event',
    ];
    const run = await onPayload(payload(optional));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.log).not.toContain('Cannot read properties');
    expect(run.log).toContain('is not among the selected workflows and branches');
  });

  it('skips a payload without workflow_run, or without its ids, with a reason', async () => {
    const noRun = await onPayload(payload(['workflow_run']));
    expect(noRun.exitCode).toBe(0);
    expect(noRun.log).toContain('Nothing to do: this workflow_run event carries no workflow_run.');
    const noIds = await onPayload(payload(['workflow_run.id', 'workflow_run.workflow_id', 'workflow']));
    expect(noIds.exitCode).toBe(0);
    expect(noIds.log).toContain('Nothing to do: the workflow_run payload names no run id or workflow id.');
    expect(gh.requests).toEqual([]);
  });
});
