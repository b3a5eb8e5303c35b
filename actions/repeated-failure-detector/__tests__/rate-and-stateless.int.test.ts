import { beforeEach, describe, expect, it } from '@jest/globals';
import { runAction, type DiscordServer, type GitHubServer } from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, SELF, seedRuns, useStandIns } from './fixtures';

const standIns = useStandIns();
let discord: DiscordServer;
let gh: GitHubServer;
beforeEach(() => {
  ({ discord, gh } = standIns);
});

const scan = (inputs: Record<string, string> = {}) =>
  runAction('repeated-failure-detector', {
    ...scheduleEvent,
    env: envFor(gh),
    inputs: { 'webhook-url': discord.webhookUrl(), ...inputs },
  });

describe('repeated-failure-detector failure rate', () => {
  it('fires once at the rate over min-runs, stays quiet while firing, and clears below half of it', async () => {
    seedRuns(
      gh,
      'frontend-ci',
      [
        'success',
        'failure',
        'success',
        'failure',
        'success',
        'failure',
        'success',
        'failure',
        'success',
        'failure',
      ],
      {
        endMinutesAgo: 300,
      },
    );
    const inputs = { 'failure-rate': '0.5', 'min-runs': '10' };
    const fired = await scan(inputs);
    expect(fired.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1);
    const [embed] = embedsOf(discord.received[0]!.body);
    expect(embed?.title).toBe('⚠️ frontend-ci failing 50% of runs on main');
    expect(embed?.color).toBe(0xd29922);
    expect(gh.issues().map((i) => [i.title, i.state])).toEqual([
      ['frontend-ci failure rate high on main', 'open'],
    ]);
    expect(fired.summary).toContain('⚠️ 50% of 10');

    discord.reset();
    seedRuns(gh, 'frontend-ci', ['success', 'success'], { endMinutesAgo: 200 });
    const still = await scan(inputs);
    expect(discord.received).toHaveLength(0);
    expect(still.summary).toContain('⚠️ 42% of 12');

    seedRuns(gh, 'frontend-ci', Array(10).fill('success'), { endMinutesAgo: 5 });
    const cleared = await scan(inputs);
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '✅ frontend-ci failure rate back to 23% on main',
    );
    expect(gh.issues().map((i) => i.state)).toEqual(['closed']);
    expect(cleared.outputs.alerted).toBe('1');
  });

  it('does not fire under min-runs', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'success', 'failure']);
    await scan({ 'failure-rate': '0.5', 'min-runs': '10' });
    expect(discord.received).toHaveLength(0);
  });
});

describe('repeated-failure-detector without issues on a schedule', () => {
  it('alerts a streak that reached the threshold since the previous scan, and only that one', async () => {
    gh.addWorkflow({ name: 'nightly', path: 'nightly.yml' });
    // The previous scan ran 30 minutes ago.
    seedRuns(gh, SELF.name, ['success'], { endMinutesAgo: 30, event: 'schedule' });
    // frontend-ci reached 3 failures hours ago (already alerted by an earlier scan).
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure'], {
      endMinutesAgo: 120,
    });
    // nightly reached 3 failures 10 minutes ago.
    seedRuns(gh, 'nightly', ['success', 'failure', 'failure', 'failure'], { endMinutesAgo: 10 });
    const run = await scan({ issue: 'false' });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body).map((e) => e.title)).toEqual([
      '❌ nightly failing on main: 3 failures in a row',
    ]);
    expect(gh.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(JSON.parse(run.outputs.streaks ?? '[]')).toMatchObject([
      { workflow: 'frontend-ci', state: 'ongoing', count: 4 },
      { workflow: 'nightly', state: 'new', count: 3 },
    ]);
  });
});
