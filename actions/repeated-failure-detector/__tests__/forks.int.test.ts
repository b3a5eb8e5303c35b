import { beforeEach, describe, expect, it } from '@jest/globals';
import { runAction, type DiscordServer, type GitHubServer } from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, seedRuns, workflowRunEvent, useStandIns } from './fixtures';

const standIns = useStandIns();
let discord: DiscordServer;
let gh: GitHubServer;
beforeEach(() => {
  ({ discord, gh } = standIns);
});

const scan = () =>
  runAction('repeated-failure-detector', {
    ...scheduleEvent,
    env: envFor(gh),
    inputs: { 'webhook-url': discord.webhookUrl() },
  });

/** Pull request runs from `someone/app:main`: GitHub lists them with `head_branch: main`. */
const forkRuns = (conclusions: Parameters<typeof seedRuns>[2], endMinutesAgo: number) =>
  seedRuns(gh, 'frontend-ci', conclusions, {
    endMinutesAgo,
    event: 'pull_request',
    headRepository: 'someone/app',
  });

describe('repeated-failure-detector and pull requests from forks', () => {
  it('opens nothing for 3 failing fork runs on head_branch main', async () => {
    seedRuns(gh, 'frontend-ci', ['success'], { endMinutesAgo: 300 });
    forkRuns(['failure', 'failure', 'failure'], 10);
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.issues()).toHaveLength(0);
    expect(run.outputs.alerted).toBe('0');
    expect(JSON.parse(run.outputs.streaks ?? '[]')).toEqual([]);
    expect(run.summary).toContain('| frontend-ci | main | ✅ | 0 |');
    expect(run.summary).toContain('- 3 run(s) from forks left out');
  });

  it('keeps an incident open when a fork run on main passes, and closes it on its own fix', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure'], { endMinutesAgo: 60 });
    const opened = await scan();
    expect(opened.outputs.alerted).toBe('1');
    expect(gh.issues().map((i) => i.state)).toEqual(['open']);
    discord.reset();

    forkRuns(['success'], 30);
    const quiet = await scan();
    expect(quiet.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.issues().map((i) => i.state)).toEqual(['open']);
    expect(gh.issues()[0]!.comments).toHaveLength(0);
    expect(JSON.parse(quiet.outputs.streaks ?? '[]')).toMatchObject([{ count: 3, state: 'ongoing' }]);

    seedRuns(gh, 'frontend-ci', ['success'], { endMinutesAgo: 5 });
    await scan();
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '✅ frontend-ci recovered on main after 3 failures',
    );
    expect(gh.issues().map((i) => i.state)).toEqual(['closed']);
  });

  it('on workflow_run, skips a fork run without a request, failing or passing', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure'], { endMinutesAgo: 60 });
    await scan();
    expect(gh.issues().map((i) => i.state)).toEqual(['open']);
    discord.reset();

    const [failing] = forkRuns(['failure'], 20);
    const [passing] = forkRuns(['success'], 10);
    for (const r of [failing!, passing!]) {
      const event = await workflowRunEvent(gh, r.id);
      gh.resetLog();
      const run = await runAction('repeated-failure-detector', {
        ...event,
        env: envFor(gh),
        inputs: { 'webhook-url': discord.webhookUrl() },
      });
      expect(run.exitCode).toBe(0);
      expect(gh.requests).toEqual([]);
      expect(run.log).toContain(
        `Nothing to do: run ${r.id} of frontend-ci on main ran code from the fork someone/app; runs from forks never open or close an incident.`,
      );
      expect(run.outputs.alerted).toBe('0');
    }
    expect(discord.received).toHaveLength(0);
    expect(gh.issues().map((i) => i.state)).toEqual(['open']);
  });
});
