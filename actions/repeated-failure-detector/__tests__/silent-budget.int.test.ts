import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '@sre-toolkit/testkit';
import { addScheduledRuns, addScheduledWorkflow, embedsOf, scheduledScan, useStandIns } from './fixtures';

/**
 * What silent monitors cost through the bundle (issue #14: at most one request per scheduled
 * workflow, beyond the workflow list, run listings and issue list a scan makes anyway), case by
 * case, counted in the GitHub stand-in's request log.
 */

const servers = useStandIns();
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** This repository's own health-check workflow: every 15 minutes. */
const HEALTH_CHECK = readFileSync(join(REPO_ROOT, '.github/workflows/health-check.yml'), 'utf8');
const WEEKLY = [
  'name: weekly-report',
  'on:',
  '  schedule:',
  "    - cron: '0 6 * * 1'",
  '  workflow_dispatch:',
  'jobs:',
  '  report: { runs-on: ubuntu-latest, steps: [{ run: echo report }] }',
  '',
].join('\n');

const scheduled = addScheduledWorkflow;
const runs = addScheduledRuns;

const scan = (inputs: Record<string, string> = {}) => scheduledScan(servers, inputs);

const titles = () => servers.discord.received.flatMap((m) => embedsOf(m.body).map((e) => e.title));

/** The requests only silent monitors make: workflow files, and scheduled-run listings. */
function silentRequests(): string[] {
  const requests = servers.gh.requests.filter(
    (r) => r.path.includes('/contents/') || r.query.event === 'schedule',
  );
  return requests.map((r) =>
    r.path.includes('/contents/')
      ? `file ${decodeURIComponent(r.path).slice(decodeURIComponent(r.path).lastIndexOf('/') + 1)}`
      : r.path.endsWith('/actions/runs')
        ? 'scheduled runs of the repository'
        : `scheduled runs of ${servers.gh.workflow(Number(r.path.split('/')[6])).name}`,
  );
}

/** One scan, its silent-monitor requests (the log reset before it). */
async function scanCosting(inputs: Record<string, string> = {}) {
  servers.gh.resetLog();
  servers.discord.reset();
  const run = await scan(inputs);
  expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
  return { run, silent: silentRequests() };
}

describe('repeated-failure-detector silent monitors: at most one request per scheduled workflow', () => {
  it('costs one file read for a schedule that runs, daily or weekly', async () => {
    const { gh } = servers;
    scheduled(gh, 'health-check', HEALTH_CHECK);
    scheduled(gh, 'weekly-report', WEEKLY);
    runs(gh, 'health-check', 4, 5);
    runs(gh, 'weekly-report', 2, 3 * 24 * 60, 7 * 24 * 60);
    const off = await scanCosting({ stale: 'false' });
    const without = servers.gh.requests.length;
    expect(off.silent).toEqual([]);
    const { silent, run } = await scanCosting();
    expect(silent).toEqual(['file health-check.yml', 'file weekly-report.yml']);
    // Nothing else: the scan with silent monitors makes exactly these requests more.
    expect(servers.gh.requests.length - without).toBe(2);
    expect(titles()).toEqual([]);
    expect(run.outputs.silent).toBe('[]');
  });

  it('judges a 15-minute schedule silent past the lookback from the listing alone, and stays at one', async () => {
    const { gh } = servers;
    scheduled(gh, 'health-check', HEALTH_CHECK);
    runs(gh, 'health-check', 3, 20 * 24 * 60);
    // Named in `workflows`, as a team watching only its monitor would.
    const first = await scanCosting({ workflows: 'health-check' });
    expect(first.silent).toEqual(['file health-check.yml']);
    expect(titles()).toEqual(['🔕 health-check stopped running on schedule: no scheduled run for over 14d']);
    const embed = embedsOf(servers.discord.received[0]!.body)[0]!;
    expect(embed.description).toContain(
      'Its schedule fires at least every 15m, but it has not run on schedule for over 14d (silent after 45m).',
    );
    expect(embed.fields).toContainEqual({ name: 'Last scheduled run', value: 'over 14d ago', inline: true });
    const [issue] = gh.issues();
    expect(issue?.body).toMatch(/\| Last scheduled run \| none since \d{4}-\d\d-\d\dT[\d:.]+Z \|/);

    // Open issue, still silent: its memory and the listing decide, one file read.
    const still = await scanCosting({ workflows: 'health-check' });
    expect(still.silent).toEqual(['file health-check.yml']);
    expect(servers.discord.received).toHaveLength(0);
    expect(gh.requests.filter((r) => r.method !== 'GET')).toEqual([]);

    // Open issue, recovered: the listing shows the run.
    runs(gh, 'health-check', 1, 2);
    const back = await scanCosting({ workflows: 'health-check' });
    expect(back.silent).toEqual(['file health-check.yml']);
    expect(titles()).toEqual(['✅ health-check runs on schedule again']);
    expect(embedsOf(servers.discord.received[0]!.body)[0]!.description).toContain(
      'silent (no scheduled run for over 14d) since',
    );
    expect(gh.issues().map((i) => i.state)).toEqual(['closed']);
  });

  it("lists a named weekly schedule's default branch 3 weeks back, and needs no request of its own", async () => {
    const { gh } = servers;
    scheduled(gh, 'weekly-report', WEEKLY);
    // 16 days ago: older than the 14-day lookback, within 3 weeks: not silent.
    runs(gh, 'weekly-report', 2, 16 * 24 * 60, 7 * 24 * 60);
    // Its runs left the lookback: only a workflow named in `workflows` (or with an open issue) is still looked at.
    const between = await scanCosting({ workflows: 'weekly-report' });
    expect(between.silent).toEqual(['file weekly-report.yml']);
    const created = gh.requests.filter((r) => r.query.status === 'completed').map((r) => r.query.created);
    expect(created).toHaveLength(1);
    expect(Date.now() - Date.parse(created[0]!.slice(2))).toBeGreaterThanOrEqual(21 * DAY);
    expect(Date.now() - Date.parse(created[0]!.slice(2))).toBeLessThan(21 * DAY + 5 * MINUTE);
    expect(titles()).toEqual([]);

    // A week later (23 days): silent, from the same listing.
    for (const r of gh.runs) r.createdAt = new Date(Date.parse(r.createdAt) - 7 * DAY).toISOString();
    const alert = await scanCosting({ workflows: 'weekly-report' });
    expect(alert.silent).toEqual(['file weekly-report.yml']);
    expect(titles()).toEqual(['🔕 weekly-report stopped running on schedule: no scheduled run for over 21d']);

    const still = await scanCosting({ workflows: 'weekly-report' });
    expect(still.silent).toEqual(['file weekly-report.yml']);
    expect(servers.discord.received).toHaveLength(0);
  });

  it('asks when the scan did not list the default branch, one repository-wide page for several (one over the budget)', async () => {
    const { gh } = servers;
    scheduled(gh, 'weekly-report', WEEKLY);
    scheduled(gh, 'health-check', HEALTH_CHECK);
    runs(gh, 'weekly-report', 1, 16 * 24 * 60);
    runs(gh, 'health-check', 2, 5);
    const one = await scanCosting({ workflows: 'health-check', branches: 'develop' });
    expect(one.silent).toEqual(['file health-check.yml', 'scheduled runs of health-check']);
    // 2 files and 1 page, where asking each would be 2 files and 2 listings.
    const two = await scanCosting({ workflows: 'weekly-report\nhealth-check', branches: 'develop' });
    expect(two.silent).toEqual([
      'file weekly-report.yml',
      'file health-check.yml',
      'scheduled runs of the repository',
    ]);
    expect(titles()).toEqual([]);
    expect(JSON.parse(two.run.outputs.silent!)).toEqual([]);
  });

  it('costs one file read when disabled, failing to start, or when the schedule is removed', async () => {
    const { gh } = servers;
    scheduled(
      gh,
      'nightly',
      HEALTH_CHECK.replace('name: health-check', 'name: nightly'),
      'disabled_manually',
    );
    scheduled(gh, 'health-check', HEALTH_CHECK);
    runs(gh, 'nightly', 2, 30 * 24 * 60);
    runs(gh, 'health-check', 3, 20);
    runs(gh, 'health-check', 1, 5, 15, 'startup_failure');
    const first = await scanCosting();
    expect(first.silent).toEqual(['file nightly.yml', 'file health-check.yml']);
    expect(titles()).toEqual([
      '🔕 nightly stopped running on schedule: disabled',
      '🔕 health-check stopped running on schedule: its runs fail to start (startup_failure)',
    ]);

    // The schedule leaves health-check's file: what it remembered is over, said once.
    gh.putFile(
      '.github/workflows/health-check.yml',
      'name: health-check\non: [workflow_dispatch]\njobs: {}\n',
    );
    const removed = await scanCosting();
    // health-check's open issue has its file read before the listings (see the weekly case above).
    expect(removed.silent).toEqual(['file health-check.yml', 'file nightly.yml']);
    expect(titles()).toEqual(['✅ health-check runs on schedule again']);
    expect(gh.issues().map((i) => [i.title, i.state])).toEqual([
      ['nightly is not running on schedule', 'open'],
      ['health-check is not running on schedule', 'closed'],
    ]);
  });
});
