import { beforeEach, describe, expect, it } from '@jest/globals';
import { DISCORD_DEFAULTS, runAction, type DiscordServer, type GitHubServer } from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, seedRuns, useStandIns } from './fixtures';

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

describe('repeated-failure-detector: streaks on a schedule', () => {
  it('alerts a 4-failure streak on the default branch once and opens its issue', async () => {
    const runs = seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure']);
    const first = runs[1]!;
    const last = runs[4]!;
    const run = await scan({ mention: '<@&123456789012345678>' });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);

    expect(discord.received).toHaveLength(1);
    const body = discord.received[0]!.body;
    expect(body.content).toBe('<@&123456789012345678>');
    expect(body.allowed_mentions).toEqual({ parse: [], users: [], roles: ['123456789012345678'] });
    const [embed] = embedsOf(body);
    expect(embed?.title).toBe('❌ frontend-ci failing on main: 4 failures in a row');
    expect(embed?.url).toBe(`https://github.com/acme/mara/actions/runs/${last.id}`);
    expect(embed?.color).toBe(0xd1242f);
    const fields = Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields['Failures in a row']).toBe('4');
    expect(fields['Branch']).toBe('`main`');
    expect(fields['First failing run']).toBe(
      `[run ${first.id}](https://github.com/acme/mara/actions/runs/${first.id}) at \`${first.headSha.slice(0, 7)}\` Commit 2 on frontend-ci`,
    );
    expect(fields['Failing job › step']).toBe(
      `[test](https://github.com/acme/mara/actions/runs/${last.id}/job/${last.jobs[0]!.id}) › Run unit tests`,
    );

    const issues = gh.issues();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      title: 'frontend-ci failing on main',
      state: 'open',
      labels: ['repeated-failure'],
    });
    expect(fields['Issue']).toBe(`https://github.com/acme/mara/issues/${issues[0]!.number}`);

    expect(run.outputs.alerted).toBe('1');
    const streaks = JSON.parse(run.outputs.streaks ?? '[]') as Record<string, unknown>[];
    expect(streaks).toEqual([
      {
        workflow: 'frontend-ci',
        workflow_id: gh.workflow('frontend-ci').id,
        branch: 'main',
        count: 4,
        first_failed_at: first.createdAt,
        first_run_url: `https://github.com/acme/mara/actions/runs/${first.id}`,
        first_sha: first.headSha,
        last_run_url: `https://github.com/acme/mara/actions/runs/${last.id}`,
        state: 'new',
        issue_url: `https://github.com/acme/mara/issues/${issues[0]!.number}`,
      },
    ]);
    expect(run.summary).toContain('| frontend-ci | main | ❌❌❌❌✅ | ❌ 4 (new) |');
    expect(run.outputs.report).toBe(run.summary.replace(/\n$/, ''));
    expect(run.log).not.toContain(gh.token);
    expect(run.log).not.toContain(DISCORD_DEFAULTS.token);
    expect(run.masked).toEqual(expect.arrayContaining([gh.token, DISCORD_DEFAULTS.token]));
  });
});

describe('repeated-failure-detector: once per incident', () => {
  it('stays silent and changes nothing on an unchanged rescan', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure']);
    const first = await scan();
    expect(first.outputs.alerted).toBe('1');
    const issue = gh.issues()[0]!;
    const body = issue.body;
    const updatedAt = issue.updatedAt;
    discord.reset();
    gh.resetLog();

    const again = await scan();
    expect(again.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(gh.issues()).toHaveLength(1);
    expect(issue.body).toBe(body);
    expect(issue.updatedAt).toBe(updatedAt);
    expect(issue.comments).toHaveLength(0);
    expect(again.outputs.alerted).toBe('0');
    expect(JSON.parse(again.outputs.streaks ?? '[]')).toMatchObject([{ count: 4, state: 'ongoing' }]);
    expect(again.summary).toContain('❌ 4 (ongoing)');
  });

  it('records a grown streak silently, then sends one recovery and closes the issue on a success', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure'], {
      endMinutesAgo: 60,
    });
    await scan();
    const issue = gh.issues()[0]!;
    discord.reset();

    seedRuns(gh, 'frontend-ci', ['failure'], { endMinutesAgo: 30 });
    const grown = await scan();
    expect(discord.received).toHaveLength(0);
    expect(grown.outputs.alerted).toBe('0');
    expect(issue.body).toContain('| Failures in a row | 5 |');
    expect(issue.comments).toHaveLength(0);

    const [fix] = seedRuns(gh, 'frontend-ci', ['success'], {
      endMinutesAgo: 5,
      message: 'Fix the flaky login test',
    });
    const recovered = await scan({ mention: '<@&123456789012345678>' });
    expect(recovered.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1);
    const msg = discord.received[0]!.body;
    expect(msg.content).toBeUndefined();
    expect(msg.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
    const [embed] = embedsOf(msg);
    expect(embed?.title).toBe('✅ frontend-ci recovered on main after 5 failures');
    expect(embed?.url).toBe(`https://github.com/acme/mara/actions/runs/${fix!.id}`);
    expect(embed?.color).toBe(0x2ea043);
    expect(embed?.description).toMatch(
      new RegExp(
        `^acme/mara: Recovered after 5 failures, broken since <t:\\d+:f>, fixed by \`${fix!.headSha.slice(0, 7)}\` Fix the flaky login test\\.$`,
      ),
    );
    expect(issue.state).toBe('closed');
    expect(issue.comments.map((c) => c.body)).toEqual([
      expect.stringMatching(
        /^✅ Recovered after 5 failures, broken since .+, fixed by [0-9a-f]{7} Fix the flaky login test\.\n\nFixed by https:\/\/github\.com\/acme\/mara\/actions\/runs\/\d+$/,
      ),
    ]);
    expect(recovered.outputs.alerted).toBe('1');
    expect(JSON.parse(recovered.outputs.streaks ?? '[]')).toMatchObject([
      { count: 5, state: 'recovered', fixed_by_sha: fix!.headSha },
    ]);

    discord.reset();
    const quiet = await scan();
    expect(discord.received).toHaveLength(0);
    expect(JSON.parse(quiet.outputs.streaks ?? '[]')).toEqual([]);
  });

  it('reminds after every remind-every further failures, and only then', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure'], { endMinutesAgo: 120 });
    await scan({ 'remind-every': '2' });
    const issue = gh.issues()[0]!;
    discord.reset();
    seedRuns(gh, 'frontend-ci', ['failure'], { endMinutesAgo: 90 });
    await scan({ 'remind-every': '2' });
    expect(discord.received).toHaveLength(0);
    seedRuns(gh, 'frontend-ci', ['failure'], { endMinutesAgo: 60 });
    const reminded = await scan({ 'remind-every': '2' });
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci still failing on main: 5 failures in a row',
    );
    expect(issue.comments.map((c) => c.body)).toEqual([
      expect.stringMatching(/^❌ Still failing: 5 failures in a row\./),
    ]);
    expect(reminded.outputs.alerted).toBe('1');
  });
});

describe('repeated-failure-detector: what does not alert', () => {
  it('ignores feature branches by default', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure'], {
      branch: 'feature/login',
    });
    seedRuns(gh, 'frontend-ci', ['success']);
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.issues()).toHaveLength(0);
    expect(JSON.parse(run.outputs.streaks ?? '[]')).toEqual([]);
    const listings = gh.requests.filter((r) => r.path.endsWith('/runs'));
    expect(listings.map((r) => r.query.branch)).toEqual(['main']);
  });

  it('watches every branch with branches: *', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure'], { branch: 'release/1.x' });
    seedRuns(gh, 'frontend-ci', ['success']);
    const run = await scan({ branches: '*' });
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failing on release/1.x: 3 failures in a row',
    );
    expect(run.summary).toContain('| frontend-ci | main | ✅ |');
  });

  it('stays silent with 2 failures under threshold 3', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure']);
    const run = await scan({ threshold: '3' });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.issues()).toHaveLength(0);
    expect(run.outputs.alerted).toBe('0');
    expect(JSON.parse(run.outputs.streaks ?? '[]')).toEqual([]);
    expect(run.summary).toContain('| frontend-ci | main | ❌❌✅ | 2 (below 3) |');
  });

  it('lets cancelled runs neither break nor extend a streak', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'cancelled', 'failure', 'skipped', 'cancelled']);
    const under = await scan();
    expect(discord.received).toHaveLength(0);
    expect(under.summary).toContain('| frontend-ci | main | ⚪⚪❌⚪❌✅ | 2 (below 3) |');

    seedRuns(gh, 'frontend-ci', ['failure', 'cancelled'], { endMinutesAgo: 1 });
    const run = await scan();
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failing on main: 3 failures in a row',
    );
    expect(JSON.parse(run.outputs.streaks ?? '[]')).toMatchObject([{ count: 3, state: 'new' }]);
  });

  it('reports a flaky re-run without alerting on it', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure']);
    const [flaky] = seedRuns(gh, 'frontend-ci', ['success'], {
      previousAttempts: ['failure'],
      endMinutesAgo: 5,
    });
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.issues()).toHaveLength(0);
    expect(JSON.parse(run.outputs.flaky ?? '[]')).toEqual([
      {
        workflow: 'frontend-ci',
        branch: 'main',
        run_id: flaky!.id,
        run_url: `https://github.com/acme/mara/actions/runs/${flaky!.id}`,
        attempt: 2,
        failed_attempt: 1,
        failed_conclusion: 'failure',
        head_sha: flaky!.headSha,
        title: 'Commit 1 on frontend-ci',
        created_at: flaky!.createdAt,
      },
    ]);
    expect(run.summary).toContain('#### Flaky re-runs');
    expect(gh.requests.filter((r) => r.path.includes('/attempts/')).map((r) => r.path)).toEqual([
      `/repos/acme/mara/actions/runs/${flaky!.id}/attempts/1`,
    ]);
  });

  it('sends nothing and opens no issue in a dry run, but reports what it would send', async () => {
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure']);
    const run = await scan({ 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(gh.issues()).toHaveLength(0);
    expect(gh.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(run.outputs.alerted).toBe('0');
    expect(run.log).toContain('Dry run: would send "❌ frontend-ci failing on main: 3 failures in a row"');
  });
});
