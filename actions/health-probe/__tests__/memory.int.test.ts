import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GITHUB_DEFAULTS,
  runAction,
  startDiscordServer,
  startGitHubServer,
  startHealthTargets,
  type ActionRun,
  type DiscordServer,
  type GitHubServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

/**
 * health-probe's memory across runs, through the bundle, against the GitHub stand-in's contents
 * API: several runs in a row, the state branch carrying what one run saw to the next.
 */

let targets: HealthTargets;
let discord: DiscordServer;
let github: GitHubServer;
let mainSha: string;

beforeAll(async () => {
  targets = await startHealthTargets();
  discord = await startDiscordServer();
});
afterAll(async () => {
  await Promise.all([targets.close(), discord.close()]);
});
beforeEach(async () => {
  discord.reset();
  github = await startGitHubServer();
  mainSha = await api<{ object: { sha: string } }>('GET', '/repos/acme/mara/git/ref/heads/main').then(
    (r) => r.object.sha,
  );
  github.resetLog();
  targets.route('/api', { body: { status: 'UP' } });
  targets.route('/web', { body: 'ok' });
});
afterEach(async () => {
  await github.close();
});

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${github.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${GITHUB_DEFAULTS.token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await res.json()) as T;
}

const API = () => `- name: api\n  url: ${targets.url('/api')}\n`;
const WEB = () => `- name: web\n  url: ${targets.url('/web')}\n`;

const probe = (inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> =>
  runAction('health-probe', {
    inputs: {
      targets: API() + WEB(),
      retries: '0',
      'webhook-url': discord.webhookUrl(),
      mention: '<@&123456789012345678>',
      ...inputs,
    },
    env: { GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: github.url, GITHUB_SHA: mainSha, ...env },
  });

type Embed = { title: string; color: number };
const titles = () => discord.received.flatMap((m) => ((m.body.embeds ?? []) as Embed[]).map((e) => e.title));
const down = () =>
  targets.route('/api', { status: 503, body: { status: 'DOWN', components: { db: { status: 'DOWN' } } } });
const up = () => targets.route('/api', { body: { status: 'UP' } });

interface StoredState {
  targets: Record<
    string,
    { samples: [number, string, number | null][]; outage?: Record<string, unknown>; certAlerted?: number }
  >;
}
const state = (): StoredState =>
  JSON.parse(github.file('health-probe.json', { branch: 'health-state' }) ?? 'null') as StoredState;
const editState = (edit: (s: StoredState) => void) => {
  const s = state();
  edit(s);
  github.putFile('health-probe.json', JSON.stringify(s), { branch: 'health-state' });
};
/** State requests (contents and git refs) since the last reset. */
const stateRequests = () => github.requests.filter((r) => /\/contents\/|\/git\/ref/.test(r.path));
const warnings = (run: ActionRun) =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);

describe('health-probe memory: thresholds', () => {
  it('with failure-threshold 2, opens the incident on the second failing run, within 4 state requests a run', async () => {
    down();
    const first = await probe({ 'failure-threshold': '2' });
    expect(first.log).toContain('api: down (1 of 2 runs before an incident opens); no alert yet.');
    expect(github.issues()).toHaveLength(0);
    expect(discord.received).toHaveLength(0);
    // Not confirmed down yet: the step does not fail.
    expect(first.exitCode).toBe(0);
    expect(github.branches()).toContain('health-state');
    // First run: read (404, no branch), create the branch, write.
    expect(stateRequests().map((r) => `${r.method} ${r.status}`)).toEqual(['GET 404', 'POST 201', 'PUT 201']);
    expect(state().targets.api?.samples.map((s) => s[1])).toEqual(['d']);
    expect(warnings(first)).toEqual([]);

    github.resetLog();
    const second = await probe({ 'failure-threshold': '2' });
    expect(stateRequests().map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PUT 200']);
    expect(second.exitCode).toBe(1);
    expect(github.issues()).toHaveLength(1);
    expect(github.issues()[0]?.body).toContain('found down by 2 runs');
    expect(titles()).toEqual(['❌ api is down: expected status 200-399, got 503; db is DOWN']);
    expect(discord.received[0]?.body.content).toBe('<@&123456789012345678>');
    expect(state().targets.api?.outage).toMatchObject({ alerted: true, issue: { number: 1 } });
  });

  it('with both thresholds at 2, a flapping target opens and sends nothing', async () => {
    const inputs = { 'failure-threshold': '2', 'success-threshold': '2' };
    for (const flip of [down, up, down, up, down]) {
      flip();
      const run = await probe(inputs);
      expect(run.exitCode).toBe(0);
    }
    expect(github.issues()).toHaveLength(0);
    expect(discord.received).toHaveLength(0);
    expect(state().targets.api?.samples.map((s) => s[1])).toEqual(['d', 'u', 'd', 'u', 'd']);
  });

  it('with success-threshold 2, closes only after the second good run, with one recovery message', async () => {
    down();
    await probe({ 'success-threshold': '2' });
    expect(github.issues()[0]?.state).toBe('open');
    up();
    const once = await probe({ 'success-threshold': '2' });
    expect(once.log).toContain('api: answering (1 of 2 runs before the incident closes); still open.');
    expect(github.issues()[0]?.state).toBe('open');
    await probe({ 'success-threshold': '2' });
    expect(github.issues()[0]?.state).toBe('closed');
    expect(titles()).toEqual([
      '❌ api is down: expected status 200-399, got 503; db is DOWN',
      expect.stringMatching(/^✅ api is up again after \d+(ms|s)$/),
    ]);
  });
});

describe('health-probe memory: reminders', () => {
  it('reminds once per remind-every while the incident stays open, without a ping', async () => {
    down();
    await probe();
    expect(titles()).toHaveLength(1);
    const fiveHoursAgo = new Date(Date.now() - 5 * 3_600_000 - 60_000).toISOString();
    editState((s) => {
      Object.assign(s.targets.api?.outage ?? {}, { since: fiveHoursAgo, remindedAt: fiveHoursAgo });
    });
    const reminded = await probe();
    expect(titles()).toHaveLength(2);
    expect(titles()[1]).toBe(
      '🔴 api still down, for 5h 1m; last error: expected status 200-399, got 503; db is DOWN',
    );
    expect(discord.received[1]?.body.content).toBeUndefined();
    expect(reminded.log).toContain('api: still down; reminder sent.');
    // The interval starts again: the next run is quiet.
    await probe();
    expect(titles()).toHaveLength(2);
    // mention-on-reminder pings.
    editState((s) => {
      Object.assign(s.targets.api?.outage ?? {}, { remindedAt: fiveHoursAgo });
    });
    await probe({ 'mention-on-reminder': 'true' });
    expect(discord.received[2]?.body.content).toBe('<@&123456789012345678>');
  });

  it("never reminds with remind-every: ''", async () => {
    down();
    await probe({ 'remind-every': '' });
    const long = new Date(Date.now() - 48 * 3_600_000).toISOString();
    editState((s) => {
      Object.assign(s.targets.api?.outage ?? {}, { since: long, remindedAt: long });
    });
    await probe({ 'remind-every': '' });
    expect(titles()).toHaveLength(1);
  });
});

describe('health-probe memory: maintenance', () => {
  it('a maintenance window silences a down target: no incident, no alert, shown as maintenance', async () => {
    down();
    const window = `- targets: [api]\n  start: ${new Date(Date.now() - 3_600_000).toISOString()}\n  end: ${new Date(Date.now() + 3_600_000).toISOString()}\n`;
    const run = await probe({ maintenance: window });
    expect(run.exitCode).toBe(0);
    expect(github.issues()).toHaveLength(0);
    expect(discord.received).toHaveLength(0);
    expect(run.log).toMatch(/api: down, in maintenance \(window .*\); no incident, no alert\./);
    expect(run.summary).toMatch(/\| api \| 🔧 maintenance \(down\) \|/);
    expect(state().targets.api?.samples.map((s) => s[1])).toEqual(['m']);
    const results = JSON.parse(run.outputs.results ?? '[]') as {
      name: string;
      maintenance: string | null;
      history?: { '24h': { uptime: number | null } };
    }[];
    expect(results[0]?.maintenance).toMatch(/^window /);
    // Maintenance is not counted: no data, not 0 %.
    expect(results[0]?.history?.['24h'].uptime).toBeNull();
  });

  it('a weekly cron window silences too', async () => {
    down();
    const run = await probe({ maintenance: `- {targets: [api], cron: '* * * * *', duration: 1h}` });
    expect(discord.received).toHaveLength(0);
    expect(run.log).toContain(
      'api: down, in maintenance (window cron * * * * * for 1h); no incident, no alert.',
    );
  });

  it('an open issue labelled maintenance that names the target silences it while open', async () => {
    down();
    github.addIssue({
      title: 'Deploy',
      body: 'Deploying api and the workers; back in 20 minutes.',
      labels: ['maintenance'],
    });
    const silenced = await probe();
    expect(silenced.log).toContain('api: down, in maintenance (issue #1); no incident, no alert.');
    expect(discord.received).toHaveLength(0);
    await api('PATCH', '/repos/acme/mara/issues/1', { state: 'closed' });
    await probe();
    expect(titles()).toEqual(['❌ api is down: expected status 200-399, got 503; db is DOWN']);
  });

  it('rejects a malformed window with an error naming the input and the rule', async () => {
    const run = await probe({ maintenance: '- {targets: [api], cron: "0 3 * *", duration: 1h}' });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'Input "maintenance" item 1: cron must have 5 fields (minute hour day month weekday), got 4',
      'One input is not valid (see above).',
    ]);
  });
});

describe('health-probe memory: orphans and hands', () => {
  it('closes the incident of a target removed from the config, with a comment saying so', async () => {
    down();
    await probe();
    expect(github.issues()[0]?.state).toBe('open');
    const run = await probe({ targets: WEB() });
    const [issue] = github.issues();
    expect(issue?.state).toBe('closed');
    expect(issue?.comments.at(-1)?.body).toMatch(
      /^☑️ \*\*api\*\* is no longer in the health-probe configuration/,
    );
    expect(run.log).toContain('api: no longer configured; closed incident #1.');
    expect(Object.keys(state().targets)).toEqual(['web']);
  });

  it('does not reopen an incident closed by hand during that outage; the next outage opens a new one', async () => {
    down();
    await probe();
    await api('PATCH', '/repos/acme/mara/issues/1', { state: 'closed' });
    const acked = await probe();
    expect(acked.log).toContain(
      'api: still down; incident #1 was closed by hand, so this outage is acknowledged: not reopened.',
    );
    expect(github.issues()).toHaveLength(1);
    expect(titles()).toHaveLength(1);
    await probe();
    expect(github.issues()).toHaveLength(1);
    up();
    await probe();
    expect(state().targets.api?.outage).toBeUndefined();
    down();
    await probe();
    expect(github.issues()).toHaveLength(2);
    expect(github.issues()[1]?.state).toBe('open');
    expect(titles()).toHaveLength(2);
  });
});

describe('health-probe memory: concurrency and failures', () => {
  it('two overlapping runs both land in the state: the second re-reads, merges and retries', async () => {
    targets.route('/slow', { body: 'ok', delayMs: 1500 });
    const inputs = { targets: `- name: slow\n  url: ${targets.url('/slow')}\n` };
    await probe(inputs, { GITHUB_RUN_ID: '100' });
    github.resetLog();
    const [a, b] = await Promise.all([
      probe(inputs, { GITHUB_RUN_ID: '111' }),
      probe(inputs, { GITHUB_RUN_ID: '222' }),
    ]);
    // Three runs, three samples, each its own time.
    const times = state().targets.slow?.samples.map((s) => s[0]) ?? [];
    expect(times).toHaveLength(3);
    expect(new Set(times).size).toBe(3);
    const merged = [a, b].filter((r) => r.log.includes('merged with a concurrent run'));
    expect(merged).toHaveLength(1);
    expect(merged[0]?.log).toMatch(
      /State saved: 4 GitHub requests, read \d+ ms \(alongside the probes\), write \d+ ms, merged with a concurrent run\./,
    );
    expect(warnings(a)).toEqual([]);
    expect(warnings(b)).toEqual([]);
    // The loser's first write was refused (a conflict, not an overwrite), then it wrote on top.
    const puts = stateRequests()
      .filter((r) => r.method === 'PUT')
      .map((r) => r.status);
    expect(puts.sort()).toEqual([200, 200, 409]);
  });

  it('an unreadable state warns and falls back to today’s behaviour', async () => {
    github.putFile('health-probe.json', '{"version": 1, "targets": ', { branch: 'health-state' });
    down();
    const run = await probe({ 'failure-threshold': '3' });
    expect(warnings(run)).toEqual([
      expect.stringMatching(
        /^The state file health-probe\.json on branch health-state is not valid JSON \(.*\); running without memory this run \(fix or delete the file to start fresh\)\.$/,
      ),
    ]);
    // Today's behaviour: the first failing run opens the incident and alerts.
    expect(github.issues()).toHaveLength(1);
    expect(titles()).toHaveLength(1);
    expect(run.exitCode).toBe(1);
    // The corrupt file is left for a person to look at.
    expect(github.file('health-probe.json', { branch: 'health-state' })).toBe('{"version": 1, "targets": ');
  });

  it('without contents permission, warns naming the permission and alerts as before', async () => {
    github.setPermission('contents', 'none');
    down();
    const run = await probe({ 'failure-threshold': '2' });
    expect(warnings(run)).toEqual([
      expect.stringMatching(
        /reading the state on branch health-state .*contents: write.*Running without memory this run\.$/,
      ),
    ]);
    expect(titles()).toHaveLength(1);
  });

  it('a state it can read but not write warns, and alerts a target the threshold would hold back', async () => {
    github.setPermission('contents', 'read');
    down();
    const run = await probe({ 'failure-threshold': '2' });
    expect(warnings(run)).toEqual([
      expect.stringMatching(
        /writing the state on branch health-state .*contents: write.*not remembered\)\.$/,
      ),
    ]);
    expect(titles()).toEqual(['❌ api is down: expected status 200-399, got 503; db is DOWN']);
    expect(run.exitCode).toBe(1);
  });

  it("state-branch: '' reads and writes no state", async () => {
    down();
    await probe({ 'state-branch': '', 'failure-threshold': '2' });
    expect(stateRequests()).toEqual([]);
    expect(titles()).toHaveLength(1);
  });
});
