import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '@sre-toolkit/testkit';
import { longestGapMinutes, parseCron, type Cron } from '../src/cron';
import {
  parseSilentState,
  scheduledRunSource,
  silenceOf,
  silentChange,
  type RunSourceInput,
  type SilenceInput,
} from '../src/silent';
import { silentEmbed, silentHeadline, silentIssueBody } from '../src/silent-text';
import { scheduleOf } from '../src/workflow-file';

const workflowFile = (name: string) => readFileSync(join(REPO_ROOT, '.github/workflows', name), 'utf8');

describe('scheduleOf', () => {
  it("reads this repository's own scheduled workflow (on: is a key in YAML 1.2)", async () => {
    expect(await scheduleOf(workflowFile('repeated-failures.yml'))).toEqual({ crons: ['41 */2 * * *'] });
    const cron = parseCron('41 */2 * * *') as Cron;
    expect(longestGapMinutes([cron])).toBe(120);
  });

  it('finds no schedule in a push-only workflow, and says why a file is unreadable', async () => {
    expect(await scheduleOf('on: [push]\njobs: {}\n')).toEqual({ crons: [] });
    expect(await scheduleOf('on:\n  schedule:\n    - cron: "0 0 * * *"\n  push: {}\n')).toEqual({
      crons: ['0 0 * * *'],
    });
    const bad = await scheduleOf('on:\n  schedule: [\n');
    expect('error' in bad && bad.error).toMatch(/^its file is not valid YAML \(/);
  });
});

const now = new Date('2026-12-02T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
const base: SilenceInput = {
  workflow: { id: 7, name: 'health-check', path: '.github/workflows/health-check.yml', state: 'active' },
  createdAt: minutesAgo(60 * 24 * 30),
  crons: ['*/15 * * * *'],
  periodMinutes: 15,
  staleAfter: 3,
  now,
};

describe('silenceOf', () => {
  it('is silent past stale-after × the period, not at it', () => {
    expect(
      silenceOf({ ...base, newestScheduledRun: { createdAt: minutesAgo(45), url: 'u' } }),
    ).toBeUndefined();
    expect(silenceOf({ ...base, newestScheduledRun: { createdAt: minutesAgo(46), url: 'u' } })).toMatchObject(
      {
        reason: 'stale',
        stale_after_minutes: 45,
        last_run_at: minutesAgo(46),
        since: now.toISOString(),
      },
    );
  });

  it('counts a workflow that never ran on schedule from its creation', () => {
    expect(silenceOf({ ...base, createdAt: minutesAgo(30) })).toBeUndefined();
    expect(silenceOf({ ...base, createdAt: minutesAgo(50) })?.reason).toBe('stale');
  });

  it('names disabled states and startup failures before staleness, and keeps the first since', () => {
    const known = silenceOf({ ...base, createdAt: minutesAgo(50) })!;
    const later = new Date(now.getTime() + 3_600_000);
    expect(
      silenceOf({ ...base, workflow: { ...base.workflow, state: 'disabled_manually' }, known, now: later }),
    ).toMatchObject({ reason: 'disabled_manually', since: now.toISOString() });
    expect(
      silenceOf({
        ...base,
        newestScheduledRun: { createdAt: minutesAgo(5), url: 'u' },
        newestRun: { conclusion: 'startup_failure' } as SilenceInput['newestRun'] & object,
      })?.reason,
    ).toBe('startup_failure');
  });
});

describe('silentChange', () => {
  it('opens, records a new reason quietly, closes, and otherwise does nothing', () => {
    const stale = silenceOf({ ...base, createdAt: minutesAgo(50) })!;
    const disabled = { ...stale, reason: 'disabled_manually' as const };
    expect(silentChange(undefined, stale)).toBe('open');
    expect(silentChange(stale, stale)).toBe('none');
    expect(silentChange(disabled, stale)).toBe('record');
    expect(silentChange(stale, undefined)).toBe('close');
    expect(silentChange(undefined, undefined)).toBe('none');
  });
});

describe('silenceOf without the newest scheduled run', () => {
  it('is silent when no run since noRunSince is already longer than stale-after × the period', () => {
    const silence = silenceOf({ ...base, noRunSince: minutesAgo(45) });
    expect(silence).toMatchObject({ reason: 'stale', no_run_since: minutesAgo(45) });
    expect(silence?.last_run_at).toBeUndefined();
    expect(silenceOf({ ...base, noRunSince: minutesAgo(44) })).toBeUndefined();
  });

  it('prefers a known run to noRunSince, and counts from creation when it was created since', () => {
    expect(
      silenceOf({
        ...base,
        noRunSince: minutesAgo(60),
        newestScheduledRun: { createdAt: minutesAgo(10), url: 'u' },
      }),
    ).toBeUndefined();
    expect(silenceOf({ ...base, createdAt: minutesAgo(30), noRunSince: minutesAgo(60) })).toBeUndefined();
  });
});

const source = (over: Partial<RunSourceInput> = {}): RunSourceInput => ({
  state: 'active',
  periodMinutes: 15,
  staleAfter: 3,
  createdAt: minutesAgo(60 * 24 * 30),
  coveredFrom: minutesAgo(60 * 24 * 14),
  lookbackFrom: minutesAgo(60 * 24 * 14),
  now,
  ...over,
});
const stale = silenceOf({ ...base, newestScheduledRun: { createdAt: minutesAgo(60 * 24 * 20), url: 'u' } })!;

describe('scheduledRunSource', () => {
  it('needs no run for a disabled workflow or a schedule that never fires', () => {
    expect(scheduledRunSource(source({ state: 'disabled_inactivity', coveredFrom: undefined }))).toEqual({});
    expect(scheduledRunSource(source({ periodMinutes: undefined, coveredFrom: undefined }))).toEqual({});
  });

  it('asks when the default branch was not listed', () => {
    expect(scheduledRunSource(source({ coveredFrom: undefined }))).toBe('ask');
  });

  it('decides a schedule silent from a listing reaching back stale-after × the period, and no further', () => {
    expect(scheduledRunSource(source())).toEqual({ noRunSince: minutesAgo(60 * 24 * 14) });
    expect(scheduledRunSource(source({ coveredFrom: minutesAgo(45) }))).toEqual({
      noRunSince: minutesAgo(45),
    });
    expect(scheduledRunSource(source({ coveredFrom: minutesAgo(44) }))).toBe('ask');
    // Weekly: 3 weeks are more than the 14-day lookback.
    expect(scheduledRunSource(source({ periodMinutes: 7 * 24 * 60 }))).toBe('ask');
  });

  it('knows there was no run at all when the workflow was created within the listing', () => {
    expect(
      scheduledRunSource(source({ periodMinutes: 7 * 24 * 60, createdAt: minutesAgo(60 * 24) })),
    ).toEqual({});
  });

  it("takes an open issue's memory when the listing read the whole lookback, not when it stopped early", () => {
    const weekly = { periodMinutes: 7 * 24 * 60, known: stale };
    expect(scheduledRunSource(source(weekly))).toEqual({});
    expect(
      scheduledRunSource(
        source({
          ...weekly,
          known: { ...stale, last_run_at: undefined, no_run_since: minutesAgo(60 * 24 * 30) },
        }),
      ),
    ).toEqual({
      noRunSince: minutesAgo(60 * 24 * 30),
    });
    expect(scheduledRunSource(source({ ...weekly, coveredFrom: minutesAgo(60 * 24) }))).toBe('ask');
    // Silent however long ago: the memory only names the last run.
    expect(scheduledRunSource(source({ known: stale, coveredFrom: minutesAgo(60) }))).toEqual({});
  });
});

describe('silent state and text without the last run', () => {
  it('keeps no_run_since from an issue only as a time', () => {
    const state = {
      kind: 'silent',
      workflow: 'w',
      workflow_id: 1,
      since: now.toISOString(),
      reason: 'stale',
    };
    expect(parseSilentState({ ...state, no_run_since: '2026-11-18T12:00:00.000Z' })?.no_run_since).toBe(
      '2026-11-18T12:00:00.000Z',
    );
    expect(parseSilentState({ ...state, no_run_since: '<!-- x -->' })).not.toHaveProperty('no_run_since');
    expect(parseSilentState({ ...state, no_run_since: 7 })).not.toHaveProperty('no_run_since');
  });

  it('says the silence is at least as long as the listing reached', () => {
    const silence = silenceOf({ ...base, noRunSince: minutesAgo(60 * 24 * 14) })!;
    expect(silentHeadline(silence, now)).toBe('no scheduled run for over 14d');
    const embed = silentEmbed(silence, 'acme/mara', undefined, now);
    expect(embed.description).toContain('but it has not run on schedule for over 14d (silent after 45m).');
    expect(embed.fields).toContainEqual({ name: 'Last scheduled run', value: 'over 14d ago', inline: true });
    expect(silentIssueBody(silence, now)).toContain(
      `| Last scheduled run | none since ${minutesAgo(60 * 24 * 14)} |`,
    );
  });
});
