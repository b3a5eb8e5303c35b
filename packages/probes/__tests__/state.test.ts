import { describe, expect, it } from '@jest/globals';
import {
  applyChange,
  dailyStates,
  emptyState,
  parseState,
  percentile,
  prune,
  serializeState,
  streaks,
  uptimeOver,
  type Sample,
  type StateChange,
  type TargetMemory,
} from '../src/state';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const sample = (s: Sample['s'], msAgo: number, ms: number | null = 100): Sample => ({ t: ago(msAgo), s, ms });
const change = (samples: Record<string, Sample>, extra: Partial<StateChange> = {}): StateChange => ({
  samples: new Map(Object.entries(samples)),
  outage: new Map(),
  certAlerted: new Map(),
  forget: new Set(),
  ...extra,
});

describe('state', () => {
  it('refuses corrupt JSON and other formats, and drops malformed samples', () => {
    expect(parseState('{"version": 1, "targets": ')).toEqual({
      error: expect.stringMatching(/^is not valid JSON \(/) as unknown as string,
    });
    expect(parseState('[]')).toEqual({ error: 'is not a health-probe state (version 1 with targets)' });
    const parsed = parseState(
      JSON.stringify({
        version: 1,
        updated: NOW.toISOString(),
        targets: {
          api: {
            samples: [[NOW.getTime(), 'u', 100], ['yesterday', 'u', 1], [NOW.getTime(), 'x', 1], { t: 1 }],
            hours: [],
          },
        },
      }),
    );
    expect('value' in parsed && parsed.value.targets.api?.samples).toEqual([sample('u', 0)]);
  });

  it('counts trailing streaks, skipping maintenance runs', () => {
    expect(streaks([sample('u', 5), sample('d', 4), sample('m', 3), sample('d', 2)])).toEqual({
      down: 2,
      up: 0,
    });
    expect(streaks([sample('d', 3), sample('g', 2), sample('u', 1)])).toEqual({ down: 0, up: 2 });
    expect(streaks([])).toEqual({ down: 0, up: 0 });
  });

  it('applies a change once, so re-applying after a conflict does not double count', () => {
    const c = change({ api: sample('d', 0, null) });
    const once = applyChange(emptyState(NOW), c, NOW);
    const twice = applyChange(once, c, NOW);
    expect(twice.targets.api?.samples).toHaveLength(1);
    // Another run's change on top of it keeps both, in time order.
    const other = applyChange(twice, change({ api: sample('u', -5, 80) }), NOW);
    expect(other.targets.api?.samples.map((s) => s.s)).toEqual(['d', 'u']);
  });

  it('writes samples and hours as tuples and reads them back', () => {
    const state = applyChange(emptyState(NOW), change({ api: sample('g', 0, 250) }), NOW);
    const withHour = {
      ...state,
      targets: {
        api: {
          ...state.targets.api!,
          hours: [{ h: ago(60 * HOUR), u: 3, g: 1, d: 0, m: 0, p50: 40, p95: 90 }],
        },
      },
    };
    const text = serializeState(withHour);
    expect(text).toContain(`"samples":[[${NOW.getTime()},"g",250]]`);
    expect(text).toContain(`"hours":[[${Math.round(NOW.getTime() / HOUR) - 60},3,1,0,0,40,90]]`);
    expect(parseState(text)).toEqual({ value: withHour });
  });

  it('keeps raw samples for 48 hours, then hourly buckets for 90 days', () => {
    const memory: TargetMemory = {
      samples: [
        sample('u', 50 * HOUR + 10 * 60_000, 100),
        sample('d', 50 * HOUR + 5 * 60_000, null),
        sample('u', 50 * HOUR + 1 * 60_000, 300),
        sample('u', 47 * HOUR, 120),
      ],
      hours: [{ h: ago(91 * 24 * HOUR), u: 1, g: 0, d: 0, m: 0, p50: 1, p95: 1 }],
    };
    const pruned = prune(memory, NOW);
    expect(pruned.samples.map((s) => s.t)).toEqual([ago(47 * HOUR)]);
    expect(pruned.hours).toEqual([{ h: ago(51 * HOUR), u: 2, g: 0, d: 1, m: 0, p50: 100, p95: 300 }]);
  });

  it('computes uptime with maintenance excluded and degraded counted apart, and nearest-rank percentiles', () => {
    const memory: TargetMemory = {
      samples: [
        sample('u', 3 * HOUR, 100),
        sample('g', 2 * HOUR, 900),
        sample('d', HOUR, null),
        sample('m', 0, null),
      ],
      hours: [{ h: ago(5 * 24 * HOUR), u: 6, g: 0, d: 0, m: 0, p50: 50, p95: 70 }],
    };
    expect(uptimeOver(memory, NOW, 24 * HOUR)).toEqual({
      uptime: 66.67,
      degraded: 33.33,
      p50_ms: 100,
      p95_ms: 900,
      checks: 3,
    });
    expect(uptimeOver(memory, NOW, 7 * 24 * HOUR)).toMatchObject({
      uptime: 88.89,
      degraded: 11.11,
      checks: 9,
    });
    expect(uptimeOver({ samples: [sample('m', 0)], hours: [] }, NOW, 24 * HOUR).uptime).toBeNull();
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
  });

  it('colours each of 90 days by its worst state, grey for maintenance, none without data', () => {
    const memory: TargetMemory = {
      samples: [sample('u', 2 * HOUR), sample('d', HOUR, null)],
      hours: [
        { h: ago(3 * 24 * HOUR), u: 3, g: 1, d: 0, m: 0, p50: 1, p95: 1 },
        { h: ago(4 * 24 * HOUR), u: 0, g: 0, d: 0, m: 2, p50: null, p95: null },
      ],
    };
    const days = dailyStates(memory, NOW);
    expect(days).toHaveLength(90);
    expect(days.slice(-5)).toEqual(['maintenance', 'degraded', 'none', 'none', 'down']);
    expect(days[0]).toBe('none');
  });
});
