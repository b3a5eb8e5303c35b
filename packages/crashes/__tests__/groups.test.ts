import { describe, expect, it } from '@jest/globals';
import { corpusExpectations, crashCorpusLines, DAY, HOUR, sampleCrashReport } from '@sre-toolkit/testkit';
import { CrashGrouper, type GroupingOptions } from '../src/groups';

const NOW = Date.parse('2026-11-28T06:00:00Z');
const options: GroupingOptions = {
  appPackages: ['mara'],
  now: NOW,
  windowMs: DAY,
  spikeFactor: 3,
  minEvents: 10,
};

const trace = (fn: string) => `#0      ${fn} (package:mara/src/${fn.toLowerCase()}.dart:10:3)`;
const report = (fn: string, hoursAgo: number, extra: Record<string, unknown> = {}) =>
  sampleCrashReport(
    {
      stackTrace: trace(fn),
      fatal: false,
      timestamp: new Date(NOW - hoursAgo * HOUR).toISOString(),
      ...extra,
    },
    NOW,
  );

function group(values: unknown[], opts: Partial<GroupingOptions> = {}) {
  const g = new CrashGrouper({ ...options, ...opts });
  for (const v of values) g.addValue(v);
  return g.result();
}

describe('CrashGrouper', () => {
  it('counts events, fatal ones, distinct users, versions and platforms inside the window only', () => {
    const r = group([
      report('A.run', 1, { userId: 'u1', fatal: true }),
      report('A.run', 2, { userId: 'u1', appVersion: '2.3.0', platform: 'iOS' }),
      report('A.run', 3, { userId: 'u2' }),
      report('A.run', 30, { userId: 'u3', appVersion: '2.2.0' }),
    ]);
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0]).toMatchObject({
      count: 3,
      fatal: 1,
      users: 2,
      versions: ['2.4.0', '2.3.0'],
      platforms: ['android', 'ios'],
      first_seen: new Date(NOW - 30 * HOUR).toISOString(),
      last_seen: new Date(NOW - 1 * HOUR).toISOString(),
      new: false,
    });
    expect(r.totals).toMatchObject({ reports: 3, history: 1, groups: 1, fatal: 1, users: 2 });
    expect(r.window).toEqual({
      start: '2026-11-27T06:00:00.000Z',
      end: '2026-11-28T06:00:00.000Z',
      duration_ms: DAY,
    });
  });

  it('calls a group new when first seen inside the window, and critical when it is also fatal', () => {
    const r = group([
      report('Old.run', 40),
      report('Old.run', 2),
      report('New.run', 2, { fatal: true }),
      report('Quiet.run', 3),
    ]);
    const by = Object.fromEntries(r.groups.map((g) => [g.culprit, g]));
    expect(by['new.run.dart in New.run']).toMatchObject({ new: true, trend: 'new', critical: ['new fatal'] });
    expect(by['quiet.run.dart in Quiet.run']).toMatchObject({ new: true, critical: [] });
    expect(by['old.run.dart in Old.run']).toMatchObject({ new: false, critical: [] });
    expect(r.totals).toMatchObject({ new: 2, critical: 1 });
  });

  it('leaves groups seen only in the history out of the digest', () => {
    const r = group([report('Gone.run', 50), report('Here.run', 1)]);
    expect(r.groups.map((g) => g.culprit)).toEqual(['here.run.dart in Here.run']);
  });

  it('flags a regression: back in a newer version after a whole window without it', () => {
    const hist = [report('R.run', 80, { appVersion: '2.3.0', buildNumber: '80' })];
    expect(
      group([...hist, report('R.run', 2, { appVersion: '2.4.0', buildNumber: '88' })]).groups[0]?.regressed,
    ).toBe(true);
    // Same version: not a regression, it never went away in a newer release.
    expect(
      group([...hist, report('R.run', 2, { appVersion: '2.3.0', buildNumber: '80' })]).groups[0]?.regressed,
    ).toBe(false);
    // Seen in the window before this one: ongoing, not regressed.
    expect(
      group([
        ...hist,
        report('R.run', 30, { appVersion: '2.3.0' }),
        report('R.run', 2, { appVersion: '2.4.0' }),
      ]).groups[0]?.regressed,
    ).toBe(false);
    // Without a known version on either side, nothing is "newer".
    expect(
      group([...hist, report('R.run', 2, { appVersion: 'unknown', buildNumber: '' })]).groups[0]?.regressed,
    ).toBe(false);
    // Versions, not times: 2.10.0 is newer than 2.9.0.
    expect(
      group([report('R.run', 80, { appVersion: '2.9.0' }), report('R.run', 2, { appVersion: '2.10.0' })])
        .groups[0]?.regressed,
    ).toBe(true);
  });

  it('flags a spike at spike-factor × the baseline rate with at least min-events', () => {
    // Baseline: 4 events over 4 windows (earliest report 5 days ago) = 1 per window.
    const history = [report('S.run', 5 * 24), report('S.run', 60), report('S.run', 50), report('S.run', 30)];
    const windowEvents = (n: number) => Array.from({ length: n }, (_, i) => report('S.run', 1 + (i % 20)));
    const first = (opts: Partial<GroupingOptions>, n: number) =>
      group([...history, ...windowEvents(n)], opts).groups[0];
    expect(first({}, 10)).toMatchObject({ spike: true, baseline: 1, trend: 'up', critical: ['spike'] });
    // Under min-events.
    expect(first({}, 9)?.spike).toBe(false);
    // Under the factor: baseline 1, factor 12.
    expect(first({ spikeFactor: 12 }, 11)?.spike).toBe(false);
    expect(first({ spikeFactor: 12 }, 12)?.spike).toBe(true);
  });

  it('never flags a spike without history, nor on a new group', () => {
    const burst = Array.from({ length: 50 }, () => report('B.run', 2));
    expect(group(burst).groups[0]).toMatchObject({ spike: false, baseline: null, new: true });
    expect(group([report('Other.run', 30), ...burst]).groups.find((g) => g.new)).toMatchObject({
      spike: false,
      baseline: 0,
    });
  });

  it('counts rejected reports by reason and never stops', () => {
    const g = new CrashGrouper(options);
    g.addText('{oops');
    g.addText('{oops again');
    g.addText('[1]');
    g.addText(JSON.stringify(report('A.run', 1)));
    const r = g.result();
    expect(r.rejected).toEqual({ 'not valid JSON': 2, 'not a JSON object (array)': 1 });
    expect(r.totals).toMatchObject({ rejected: 3, reports: 1 });
  });

  it('counts reports stamped in the future (fast device clocks) in this window', () => {
    expect(group([report('F.run', -2)]).totals.reports).toBe(1);
  });

  it('reproduces every expectation of the known-bugs corpus, whatever the order of reports', () => {
    const lines = [...crashCorpusLines({ now: NOW })];
    const forward = new CrashGrouper(options);
    const backward = new CrashGrouper(options);
    for (const l of lines) forward.addText(l);
    for (const l of [...lines].reverse()) backward.addText(l);
    const r = forward.result();
    expect(backward.result()).toEqual(r);
    const byType = corpusExpectations({ now: NOW });
    expect(
      r.groups
        .map((g) => [g.type, g.count, g.fatal, g.users, g.versions, g.new, g.regressed, g.spike])
        .sort(),
    ).toEqual(
      byType.map((e) => [e.type, e.count, e.fatal, e.users, e.versions, e.new, e.regressed, e.spike]).sort(),
    );
  });
});
