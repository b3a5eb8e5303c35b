import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { analyzeStreak, enoughForStreak, fixOf, outcomeOf } from '../src/streaks';
import { FAILING, runsOf } from './runs';

describe('outcomeOf', () => {
  it('counts only the configured conclusions as failures', () => {
    expect(outcomeOf({ conclusion: 'timed_out' }, FAILING)).toBe('failure');
    expect(outcomeOf({ conclusion: 'timed_out' }, new Set(['failure']))).toBe('neutral');
    expect(outcomeOf({ conclusion: 'success' }, FAILING)).toBe('success');
    for (const c of ['cancelled', 'skipped', 'neutral', 'stale', 'action_required', null])
      expect(outcomeOf({ conclusion: c }, FAILING)).toBe('neutral');
  });
});

describe('analyzeStreak', () => {
  it('counts consecutive failures from the newest run back to the first success', () => {
    const a = analyzeStreak(runsOf(['failure', 'success', 'failure', 'timed_out', 'failure']), FAILING);
    expect(a.current?.count).toBe(3);
    expect(a.current?.first.id).toBe(3);
    expect(a.current?.last.id).toBe(5);
    expect(a.current?.unbounded).toBe(false);
    expect(a.lastSuccess?.id).toBe(2);
    expect(a.ended).toBeUndefined();
  });

  it('lets cancelled, skipped and other neutral runs neither break nor extend a streak', () => {
    const a = analyzeStreak(
      runsOf([
        'success',
        'failure',
        'cancelled',
        'failure',
        'skipped',
        'stale',
        'failure',
        'action_required',
      ]),
      FAILING,
    );
    expect(a.current?.count).toBe(3);
    expect(a.current?.runs.map((r) => r.id)).toEqual([7, 4, 2]);
    expect(a.current?.first.id).toBe(2);
  });

  it('marks a streak without a success in the runs as unbounded', () => {
    const a = analyzeStreak(runsOf(['failure', 'failure']), FAILING);
    expect(a.current).toMatchObject({ count: 2, unbounded: true });
    expect(a.lastSuccess).toBeUndefined();
  });

  it('reports the streak a success just ended, and the success', () => {
    const a = analyzeStreak(
      runsOf(['success', 'failure', 'failure', 'cancelled', 'success', 'cancelled']),
      FAILING,
    );
    expect(a.current).toBeUndefined();
    expect(a.ended?.streak.count).toBe(2);
    expect(a.ended?.streak.first.id).toBe(2);
    expect(a.ended?.fixedBy.id).toBe(5);
  });

  it('has nothing to say about no runs or only successes', () => {
    expect(analyzeStreak([], FAILING)).toEqual({});
    const a = analyzeStreak(runsOf(['success', 'success']), FAILING);
    expect(a.current).toBeUndefined();
    expect(a.ended).toBeUndefined();
    expect(a.lastSuccess?.id).toBe(2);
  });

  it('never counts more failures than the runs hold, and only failures (property)', () => {
    const conclusion = fc.constantFrom(
      'success',
      'failure',
      'cancelled',
      'timed_out',
      'skipped',
      'startup_failure',
    );
    fc.assert(
      fc.property(fc.array(conclusion, { maxLength: 40 }), (cs) => {
        const runs = runsOf(cs);
        const a = analyzeStreak(runs, FAILING);
        const newestFirst = [...cs].reverse();
        const cut = newestFirst.indexOf('success');
        const window = cut < 0 ? newestFirst : newestFirst.slice(0, cut);
        const expected = window.filter((c) => FAILING.has(c)).length;
        expect(a.current?.count ?? 0).toBe(expected);
        expect(a.current?.runs.every((r) => FAILING.has(r.conclusion ?? ''))).not.toBe(false);
      }),
    );
  });
});

describe('enoughForStreak', () => {
  it('wants runs until a success below the newest failures', () => {
    expect(enoughForStreak(runsOf(['failure', 'failure']), FAILING)).toBe(false);
    expect(enoughForStreak(runsOf(['success', 'failure']), FAILING)).toBe(true);
    expect(enoughForStreak(runsOf(['cancelled']), FAILING)).toBe(false);
  });

  it('also wants runs back to the first failure of an alerted streak', () => {
    const runs = runsOf(['failure', 'success', 'failure']);
    expect(enoughForStreak(runs, FAILING, '2026-11-19T00:00:00Z')).toBe(false);
    expect(enoughForStreak(runs, FAILING, '2026-11-20T00:00:00Z')).toBe(true);
  });
});

describe('fixOf', () => {
  it('finds the oldest success at or after the first failure of a streak', () => {
    const runs = runsOf(['failure', 'failure', 'success', 'failure', 'success']);
    expect(fixOf(runs, '2026-11-20T00:00:00Z')?.id).toBe(3);
    expect(fixOf(runs, '2026-11-20T03:00:00Z')?.id).toBe(5);
    expect(fixOf(runsOf(['failure', 'failure']), '2026-11-20T00:00:00Z')).toBeUndefined();
  });
});
