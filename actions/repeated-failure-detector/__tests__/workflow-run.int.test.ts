import { beforeEach, describe, expect, it } from '@jest/globals';
import { runAction, type DiscordServer, type GitHubServer } from '@sre-toolkit/testkit';
import { embedsOf, envFor, seedRuns, workflowRunEvent, useStandIns } from './fixtures';

const standIns = useStandIns();
let discord: DiscordServer;
let gh: GitHubServer;
beforeEach(() => {
  ({ discord, gh } = standIns);
});

/** Runs the detector for a `workflow_run` event of `runId`; GITHUB_REF is the default branch's, as GitHub sets it. */
const onRun = async (runId: number, inputs: Record<string, string> = {}) => {
  const event = await workflowRunEvent(gh, runId);
  gh.resetLog();
  return runAction('repeated-failure-detector', {
    ...event,
    env: envFor(gh),
    inputs: { 'webhook-url': discord.webhookUrl(), ...inputs },
  });
};

describe('repeated-failure-detector on workflow_run', () => {
  it('examines only that workflow and branch, in at most 2 requests', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure']);
    const run = await onRun(runs[2]!.id);
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/mara/issues',
      `GET /repos/acme/mara/actions/workflows/${gh.workflow('frontend-ci').id}/runs`,
    ]);
    expect(gh.requests[1]?.query).toMatchObject({ branch: 'main', status: 'completed', per_page: '100' });
    expect(run.summary).toContain('| frontend-ci | main | ❌❌✅ | 2 (below 3) |');
  });

  it('takes the branch from workflow_run.head_branch, not GITHUB_REF', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure'], {
      branch: 'release/2.0',
    });
    const run = await onRun(runs[3]!.id, { branches: 'main, release/2.0' });
    expect(run.exitCode).toBe(0);
    expect(gh.requests.find((r) => r.path.endsWith('/runs'))?.query.branch).toBe('release/2.0');
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failing on release/2.0: 3 failures in a row',
    );
  });

  it('ignores a run on a feature branch without a single request', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['failure', 'failure', 'failure'], { branch: 'feature/x' });
    const run = await onRun(runs[2]!.id);
    expect(run.exitCode).toBe(0);
    expect(gh.requests).toEqual([]);
    expect(discord.received).toHaveLength(0);
    expect(run.log).toContain(
      'Nothing to do: frontend-ci on feature/x is not among the selected workflows and branches.',
    );
  });

  it('without issues, alerts exactly on the run that made the streak reach the threshold', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure']);
    const inputs = { issue: 'false' };
    // Replaying the events in order: only the third failure alerts.
    const sent: number[] = [];
    for (const r of runs) {
      discord.reset();
      await onRun(r.id, inputs);
      // The alerting run adds the failing job lookup and the deploy-context listing.
      expect(gh.requests.length).toBeLessThanOrEqual(r === runs[3] ? 3 : 1);
      sent.push(discord.received.length);
    }
    expect(sent).toEqual([0, 0, 0, 1, 0]);
    expect(gh.issues()).toHaveLength(0);

    const [fix] = seedRuns(gh, 'frontend-ci', ['success'], { endMinutesAgo: 1 });
    discord.reset();
    const recovered = await onRun(fix!.id, inputs);
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '✅ frontend-ci recovered on main after 4 failures',
    );
    expect(JSON.parse(recovered.outputs.streaks ?? '[]')).toMatchObject([{ state: 'recovered', count: 4 }]);
  });

  it('with issues, alerts once, then recovers and closes the issue on the fixing run', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure']);
    await onRun(runs[3]!.id);
    expect(discord.received).toHaveLength(1);
    expect(gh.issues().map((i) => i.state)).toEqual(['open']);
    discord.reset();
    const [more] = seedRuns(gh, 'frontend-ci', ['failure'], { endMinutesAgo: 5 });
    await onRun(more!.id);
    expect(discord.received).toHaveLength(0);
    const [fix] = seedRuns(gh, 'frontend-ci', ['success'], { endMinutesAgo: 1 });
    await onRun(fix!.id);
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '✅ frontend-ci recovered on main after 4 failures',
    );
    expect(gh.issues().map((i) => i.state)).toEqual(['closed']);
  });

  it('reports a successful re-run after a failed attempt as flaky, with one more request', async () => {
    const [flaky] = seedRuns(gh, 'frontend-ci', ['success'], { previousAttempts: ['failure'] });
    const run = await onRun(flaky!.id);
    expect(discord.received).toHaveLength(0);
    expect(JSON.parse(run.outputs.flaky ?? '[]')).toMatchObject([
      { run_id: flaky!.id, attempt: 2, failed_conclusion: 'failure' },
    ]);
    expect(gh.requests).toHaveLength(3);
  });
});
