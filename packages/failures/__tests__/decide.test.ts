import { describe, expect, it } from '@jest/globals';
import { decideStreak, parseStreakState, streakState, type StreakState } from '../src/decide';
import { analyzeStreak } from '../src/streaks';
import { FAILING, runsOf } from './runs';

const where = { workflow: 'CI', workflowId: 7, branch: 'main' };
const withState = (conclusions: string[], known?: StreakState, remindEvery?: number) => {
  const runs = runsOf(conclusions);
  return decideStreak({
    analysis: analyzeStreak(runs, FAILING),
    runs,
    failing: FAILING,
    threshold: 3,
    where,
    ...(known ? { known } : {}),
    ...(remindEvery ? { remindEvery } : {}),
  });
};
const stateAfter = (conclusions: string[]) => {
  const e = withState(conclusions)[0];
  if (!e || e.kind !== 'new') throw new Error('expected a new streak');
  return e.state;
};

describe('decideStreak with an issue as state', () => {
  it('opens a streak that reaches the threshold, identified by its first failure', () => {
    const events = withState(['success', 'failure', 'failure', 'failure']);
    expect(events.map((e) => e.kind)).toEqual(['new']);
    expect(events[0]?.state).toMatchObject({
      kind: 'streak',
      workflow: 'CI',
      workflow_id: 7,
      branch: 'main',
      count: 3,
      first_run_id: 2,
      last_run_id: 4,
      notified_count: 3,
      first_failed_at: '2026-11-20T01:00:00.000Z',
    });
  });

  it('says nothing under the threshold', () => {
    expect(withState(['success', 'failure', 'failure'])).toEqual([]);
  });

  it('is unchanged ("ongoing") when the issue already knows the streak', () => {
    const known = stateAfter(['success', 'failure', 'failure', 'failure']);
    const events = withState(['success', 'failure', 'failure', 'failure'], known);
    expect(events.map((e) => e.kind)).toEqual(['ongoing']);
    expect(events[0]?.state).toBe(known);
  });

  it('records growth silently and counts on from the issue', () => {
    const known = { ...stateAfter(['success', 'failure', 'failure', 'failure']), count: 10 };
    const events = withState(['success', 'failure', 'failure', 'failure', 'cancelled', 'failure'], known);
    expect(events.map((e) => e.kind)).toEqual(['grown']);
    expect(events[0]?.state).toMatchObject({ count: 11, last_run_id: 6, notified_count: 3, first_run_id: 2 });
  });

  it('reminds after remind-every further failures, and counts the next reminder from there', () => {
    const known = stateAfter(['success', 'failure', 'failure', 'failure']);
    expect(
      withState(['success', 'failure', 'failure', 'failure', 'failure'], known, 2).map((e) => e.kind),
    ).toEqual(['grown']);
    const events = withState(['success', 'failure', 'failure', 'failure', 'failure', 'failure'], known, 2);
    expect(events.map((e) => e.kind)).toEqual(['reminder']);
    expect(events[0]?.state).toMatchObject({ count: 5, notified_count: 5 });
  });

  it('recovers an alerted streak when a success ends it, counting its failures', () => {
    const known = stateAfter(['success', 'failure', 'failure', 'failure']);
    const events = withState(['success', 'failure', 'failure', 'failure', 'failure', 'success'], known);
    expect(events.map((e) => e.kind)).toEqual(['recovered']);
    const e = events[0];
    expect(e?.kind === 'recovered' && e.fixedBy?.id).toBe(6);
    expect(e?.state.count).toBe(4);
  });

  it('recovers the old streak and opens the new one when a success came in between', () => {
    const known = stateAfter(['success', 'failure', 'failure', 'failure']);
    const events = withState(
      ['success', 'failure', 'failure', 'failure', 'success', 'failure', 'failure', 'failure'],
      known,
    );
    expect(events.map((e) => e.kind)).toEqual(['recovered', 'new']);
    expect(events[1]?.state.first_run_id).toBe(6);
  });

  it('keeps a streak whose first runs left the lookback window', () => {
    const known = {
      ...stateAfter(['success', 'failure', 'failure', 'failure']),
      first_failed_at: '2026-11-01T00:00:00Z',
      count: 30,
      last_failed_at: '2026-11-20T01:00:00.000Z',
    };
    const events = withState(['failure', 'failure', 'failure'], known);
    expect(events.map((e) => e.kind)).toEqual(['grown']);
    expect(events[0]?.state).toMatchObject({ count: 31, first_failed_at: '2026-11-01T00:00:00Z' });
  });
});

describe('decideStreak without state', () => {
  const stateless = (conclusions: string[], newIds: number[], remindEvery?: number) => {
    const runs = runsOf(conclusions);
    return decideStreak({
      analysis: analyzeStreak(runs, FAILING),
      runs,
      failing: FAILING,
      threshold: 3,
      where,
      isNew: (r) => newIds.includes(r.id),
      ...(remindEvery ? { remindEvery } : {}),
    }).map((e) => e.kind);
  };

  it('alerts only when a new run is the one that reached the threshold', () => {
    const cs = ['success', 'failure', 'failure', 'failure', 'failure'];
    expect(stateless(cs, [4])).toEqual(['new']);
    expect(stateless(cs, [5])).toEqual(['ongoing']);
    expect(stateless(cs, [3])).toEqual(['ongoing']);
    expect(stateless(cs, [3, 4, 5])).toEqual(['new']);
  });

  it('reminds on the runs that are multiples of remind-every past the threshold', () => {
    const cs = ['success', 'failure', 'failure', 'failure', 'failure', 'failure'];
    expect(stateless(cs, [6], 2)).toEqual(['reminder']);
    expect(stateless(cs, [5], 2)).toEqual(['ongoing']);
  });

  it('recovers when the new run is the success that ended a streak at or above the threshold', () => {
    expect(stateless(['failure', 'failure', 'failure', 'success'], [4])).toEqual(['recovered']);
    expect(stateless(['failure', 'failure', 'success'], [3])).toEqual([]);
    expect(stateless(['failure', 'failure', 'failure', 'success', 'success'], [5])).toEqual([]);
  });
});

describe('parseStreakState', () => {
  it('reads back what streakState wrote and rejects damaged state', () => {
    const state = stateAfter(['success', 'failure', 'failure', 'failure']);
    expect(parseStreakState(JSON.parse(JSON.stringify(state)) as Record<string, unknown>)).toEqual(state);
    expect(parseStreakState({ ...state, count: 'three' })).toBeUndefined();
    expect(parseStreakState({ kind: 'rate' })).toBeUndefined();
    expect(streakState).toBeDefined();
  });
});
