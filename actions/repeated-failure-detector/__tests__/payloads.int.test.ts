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
/** GitHub's example whose `workflow_run.name` is "" (its `workflow.name` is "test"). */
const unnamed = webhookExamples().find(
  (e) =>
    e.event === 'workflow_run' &&
    e.payload.action === 'completed' &&
    (e.payload.workflow_run as Json).name === '',
)!.payload;

/**
 * GitHub's own `workflow_run` completed example, pointed at the third failure of the seeded streak,
 * with `drop` paths (`workflow_run.path`, `workflow.path`, …) deleted.
 */
function payload(drop: readonly string[], example: Json = completed): Json {
  const p = structuredClone(example) as Json;
  const wf = gh.workflow('frontend-ci');
  const last = runs[3]!;
  const repo = { ...(p.repository as Json), full_name: 'acme/mara', name: 'mara', default_branch: 'main' };
  p.repository = repo;
  p.workflow = { ...(p.workflow as Json), id: wf.id, name: wf.name, path: wf.path };
  p.workflow_run = {
    ...(p.workflow_run as Json),
    id: last.id,
    workflow_id: wf.id,
    name: example === unnamed ? '' : wf.name,
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

  it('names the workflow of an example payload with an empty workflow_run.name, everywhere', async () => {
    const event = payload([], unnamed);
    expect((event.workflow_run as Json).name).toBe('');
    const run = await onPayload(event, { workflows: 'frontend-ci' });
    expect(run.exitCode).toBe(0);
    const title = '❌ frontend-ci failing on main: 3 failures in a row';
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(title);
    expect(gh.issues().map((i) => i.title)).toEqual(['frontend-ci failing on main']);
    expect(JSON.parse(run.outputs.streaks!)).toMatchObject([{ workflow: 'frontend-ci', state: 'new' }]);
    expect(run.summary).toContain('workflow_run of frontend-ci:');
    // payload.workflow named it: no request to ask GitHub.
    expect(gh.requests.map((r) => r.path)).not.toContain(
      `/repos/acme/mara/actions/workflows/${gh.workflow('frontend-ci').id}`,
    );
  });

  it('with empty names and no workflow object, a workflows filter by display name still matches', async () => {
    const event = payload(['workflow'], unnamed);
    for (const wanted of ['frontend-ci', 'frontend-ci.yml', gh.workflow('frontend-ci').path]) {
      discord.reset();
      for (const issue of gh.issues()) issue.state = 'closed';
      const run = await onPayload(event, { workflows: wanted });
      expect(run.exitCode).toBe(0);
      expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
        '❌ frontend-ci failing on main: 3 failures in a row',
      );
    }
  });

  it('names the workflow by its file when the names are empty and GitHub cannot say', async () => {
    const wf = gh.workflow('frontend-ci');
    gh.fail({ kind: 'status', status: 404 }, { path: `/repos/acme/mara/actions/workflows/${wf.id}` });
    const run = await onPayload(payload(['workflow'], unnamed));
    expect(run.exitCode).toBe(0);
    const file = wf.path.slice(wf.path.lastIndexOf('/') + 1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      `❌ ${file} failing on main: 3 failures in a row`,
    );
    expect(gh.issues().map((i) => i.title)).toEqual([`${file} failing on main`]);
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
