import { describe, expect, it } from '@jest/globals';
import { flakeCandidates, flakeOf } from '../src/flaky';
import { failureRate, rateFiring } from '../src/rate';
import { glyphs } from '../src/summary';
import { FAILING, run, runsOf } from './runs';

describe('failure rate', () => {
  it('is failed / (failed + passed), leaving neutral runs out', () => {
    expect(failureRate(runsOf(['failure', 'success', 'cancelled', 'timed_out', 'success']), FAILING)).toEqual(
      {
        failed: 2,
        passed: 2,
        rate: 0.5,
      },
    );
    expect(failureRate([], FAILING)).toEqual({ failed: 0, passed: 0, rate: 0 });
  });

  it('fires at the threshold over at least min-runs runs', () => {
    const rule = { threshold: 0.5, minRuns: 4 };
    expect(rateFiring({ failed: 2, passed: 2, rate: 0.5 }, rule, false)).toBe(true);
    expect(rateFiring({ failed: 2, passed: 1, rate: 2 / 3 }, rule, false)).toBe(false);
    expect(rateFiring({ failed: 1, passed: 3, rate: 0.25 }, rule, false)).toBe(false);
  });

  it('clears only below half the threshold once firing', () => {
    const rule = { threshold: 0.5, minRuns: 4 };
    expect(rateFiring({ failed: 1, passed: 3, rate: 0.25 }, rule, true)).toBe(true);
    expect(rateFiring({ failed: 1, passed: 4, rate: 0.2 }, rule, true)).toBe(false);
  });
});

describe('flaky re-runs', () => {
  const t = '2026-11-20T00:00:00Z';
  it('are successful runs after an earlier failed attempt', () => {
    const rerun = run(9, 'success', t, { runAttempt: 2 });
    expect(flakeCandidates([run(8, 'success', t), rerun, run(10, 'failure', t, { runAttempt: 3 })])).toEqual([
      rerun,
    ]);
    expect(flakeOf(rerun, run(9, 'failure', t), FAILING)).toMatchObject({
      run_id: 9,
      attempt: 2,
      failed_attempt: 1,
      failed_conclusion: 'failure',
    });
  });

  it('are not re-runs of a cancelled attempt', () => {
    expect(flakeOf(run(9, 'success', t, { runAttempt: 2 }), run(9, 'cancelled', t), FAILING)).toBeUndefined();
  });
});

describe('glyphs', () => {
  it('shows recent runs newest first as ✅ ❌ ⚪, at most max of them', () => {
    expect(glyphs(runsOf(['success', 'cancelled', 'failure']), FAILING)).toBe('❌⚪✅');
    expect(glyphs(runsOf(['success', 'success', 'failure']), FAILING, 2)).toBe('❌✅…');
  });
});
