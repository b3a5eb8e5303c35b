import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  runAction,
  startDiscordServer,
  startGitHubServer,
  type DiscordServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, SELF, seedRuns } from './fixtures';

let discord: DiscordServer;
let gh: GitHubServer;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});
beforeEach(async () => {
  discord.reset();
  gh = await startGitHubServer({ workflows: [{ name: 'frontend-ci', path: 'frontend-ci.yml' }, SELF] });
  seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure', 'failure']);
});
afterEach(async () => {
  await gh.close();
});

const scan = (inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction('repeated-failure-detector', {
    ...scheduleEvent,
    env: envFor(gh, env),
    inputs: { 'webhook-url': discord.webhookUrl(), ...inputs },
  });

const errors = (run: Awaited<ReturnType<typeof scan>>) =>
  run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
const warnings = (run: Awaited<ReturnType<typeof scan>>) =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);

describe('repeated-failure-detector when GitHub says no', () => {
  it('fails with one clear error on a bad token (401), sending nothing', async () => {
    const run = await scan({}, { GITHUB_TOKEN: 'ghs_expired000000000' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'GitHub rejected the token while reading workflow runs of acme/mara (401 Bad credentials): check the github-token input; it is invalid or expired.',
    ]);
    expect(gh.requests.map((r) => r.status)).toEqual([401]);
    expect(discord.received).toHaveLength(0);
    expect(run.log).not.toContain('ghs_expired000000000');
    expect(run.masked).toContain('ghs_expired000000000');
  });

  it('reports missing issues: write (403) once, and still sends the alert with a warning', async () => {
    gh.setPermission('issues', 'read');
    const run = await scan();
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'The token may not do this while opening an issue (403 Resource not accessible by integration): grant the workflow `permissions: issues: write`.',
    ]);
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body).map((e) => e.title)).toEqual([
      '❌ frontend-ci failing on main: 4 failures in a row',
    ]);
    expect(gh.issues()).toHaveLength(0);
    expect(run.outputs.alerted).toBe('1');
    expect(warnings(run)).toEqual([
      'Sent "❌ frontend-ci failing on main: 4 failures in a row" but could not record its incident (its issue could not be opened): later scans will send it again until the detector can write issues.',
    ]);
    expect(run.summary).toContain('⚠️ The token may not do this while opening an issue');
    expect(run.summary).toContain(
      '- ❌ frontend-ci failing on main: 4 failures in a row (sent; not recorded: its issue could not be opened, so later scans will send it again)',
    );
    expect(run.summary).not.toContain('Nothing: no streak reached the threshold');
  });

  it('sends the alert when POST /issues answers 403, and says in the summary what happened', async () => {
    gh.fail({ kind: 'status', status: 403 }, { method: 'POST', path: /\/issues$/ });
    const run = await scan();
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toHaveLength(1);
    expect(errors(run)[0]).toMatch(/^The token may not do this while opening an issue \(403\b/);
    expect(discord.received).toHaveLength(1);
    expect(embedsOf(discord.received[0]!.body)[0]?.title).toBe(
      '❌ frontend-ci failing on main: 4 failures in a row',
    );
    expect(gh.issues()).toHaveLength(0);
    expect(run.outputs.alerted).toBe('1');
    expect(warnings(run)).toHaveLength(1);
    expect(warnings(run)[0]).toContain('could not record its incident');
    expect(run.summary).toContain('| frontend-ci | main | ❌❌❌❌✅ | ❌ 4 (new) |');
    expect(run.summary).toContain('| alert, not recorded |');
    expect(run.summary).toContain('(sent; not recorded: its issue could not be opened');
    expect(run.summary).not.toContain('Nothing: no streak reached the threshold');
  });

  it('reports a token that cannot read issues (403 on the listing) before sending anything', async () => {
    gh.setPermission('issues', 'none');
    const run = await scan();
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'The token may not do this while listing issues of acme/mara (403 Resource not accessible by integration): grant the workflow `permissions: issues: read`.',
    ]);
    expect(discord.received).toHaveLength(0);
  });

  it('retries a 502 from GitHub and alerts once', async () => {
    gh.fail({ kind: 'status', status: 502 }, { path: /\/runs$/ });
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(gh.requests.filter((r) => r.path.endsWith('/runs')).map((r) => r.status)).toEqual([502, 200]);
    expect(discord.received).toHaveLength(1);
    expect(gh.issues()).toHaveLength(1);
  });

  it('waits out secondary rate limits (403 and 429 with retry-after) and says so', async () => {
    gh.fail({ kind: 'secondary-rate-limit', status: 403, retryAfter: 1 }, { path: /\/runs$/ });
    gh.fail(
      { kind: 'secondary-rate-limit', status: 429, retryAfter: 1 },
      { method: 'POST', path: /\/issues$/ },
    );
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(run.log).toContain(
      `GitHub secondary rate limit on GET /repos/acme/mara/actions/workflows/${gh.workflow('frontend-ci').id}/runs: waiting 1 s before retry 1/3.`,
    );
    expect(run.log).toContain(
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/issues: waiting 1 s before retry 1/3.',
    );
    expect(gh.issues()).toHaveLength(1);
    expect(discord.received).toHaveLength(1);
  });

  it('fails clearly when the primary rate limit resets too far away', async () => {
    gh.fail({ kind: 'rate-limit', resetIn: 3600 }, { path: /\/workflows$/ });
    const run = await scan();
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      expect.stringMatching(
        /^GitHub rate limit while reading workflow runs of acme\/mara \(403 API rate limit exceeded for installation ID 1\.\): retried until the wait was too long; run again later or use a token with a higher limit\.$/,
      ),
    ]);
    expect(discord.received).toHaveLength(0);
  });

  it('warns once about an unknown workflow name and watches the others', async () => {
    const run = await scan({ workflows: 'frontend-ci\nnightly-e2e' });
    expect(run.exitCode).toBe(0);
    expect(run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      'Workflow "nightly-e2e" is not in acme/mara; use a workflow name or file name (known: frontend-ci (frontend-ci.yml), Repeated failures (repeated-failures.yml)).',
    ]);
    expect(discord.received).toHaveLength(1);
  });

  it('fails when no named workflow exists', async () => {
    const run = await scan({ workflows: 'nightly-e2e' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'None of the workflows named in the workflows input exists (see the warnings above).',
    ]);
    expect(discord.received).toHaveLength(0);
  });

  it('rejects bad inputs with one error each', async () => {
    const run = await scan({
      threshold: '0',
      'failure-rate': '1.5',
      'failure-conclusions': 'failure, exploded',
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'Input "threshold" must be a whole number from 1 to 1000, got "0"',
      'Input "failure-conclusions" may only list failure, cancelled, skipped, neutral, timed_out, action_required, stale, startup_failure; "exploded" is not one',
      'Input "failure-rate" must be a fraction above 0 and at most 1, like 0.5; got "1.5"',
      '3 inputs are not valid (see above).',
    ]);
    expect(gh.requests).toEqual([]);
  });
});

describe('repeated-failure-detector when Discord fails', () => {
  it('keeps the alert in the summary and warns; fail-on-error fails the step', async () => {
    discord.fail([{ kind: 'status', status: 404 }]);
    const run = await scan({
      'webhook-url': discord.webhookUrl('999999999999999999', 'gone'),
      'fail-on-error': 'true',
    });
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('### ⚠️ Undelivered Discord repeated-failure alert');
    expect(run.outputs.alerted).toBe('0');
    expect(gh.issues()).toHaveLength(1);
  });
});
