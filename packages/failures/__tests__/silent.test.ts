import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '@sre-toolkit/testkit';
import { longestGapMinutes, parseCron, type Cron } from '../src/cron';
import { silenceOf, silentChange, type SilenceInput } from '../src/silent';
import { scheduleOf } from '../src/workflow-file';

const workflowFile = (name: string) => readFileSync(join(REPO_ROOT, '.github/workflows', name), 'utf8');

describe('scheduleOf', () => {
  it("reads this repository's own scheduled workflow (on: is a key in YAML 1.2)", () => {
    expect(scheduleOf(workflowFile('repeated-failures.yml'))).toEqual({ crons: ['41 */2 * * *'] });
    const cron = parseCron('41 */2 * * *') as Cron;
    expect(longestGapMinutes([cron])).toBe(120);
  });

  it('finds no schedule in a push-only workflow, and says why a file is unreadable', () => {
    expect(scheduleOf('on: [push]\njobs: {}\n')).toEqual({ crons: [] });
    expect(scheduleOf('on:\n  schedule:\n    - cron: "0 0 * * *"\n  push: {}\n')).toEqual({
      crons: ['0 0 * * *'],
    });
    const bad = scheduleOf('on:\n  schedule: [\n');
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
