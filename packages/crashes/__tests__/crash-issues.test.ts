import { describe, expect, it } from '@jest/globals';
import {
  fixedInVersion,
  MAX_OPENED,
  syncCrashIssues,
  type CrashIssue,
  type CrashIssueStore,
} from '../src/crash-issues';
import type { Digest } from '../src/digest';
import type { CrashGroup } from '../src/groups';

const group = (
  fingerprint: string,
  versions: string[],
  critical: CrashGroup['critical'] = [],
): CrashGroup => ({
  fingerprint,
  basis: 'frames',
  title: 'StateError: Bad state: No element',
  type: 'StateError',
  culprit: 'cart.dart in Cart.apply',
  count: 4,
  fatal: 1,
  users: 3,
  first_seen: '2026-11-27T09:00:00.000Z',
  last_seen: '2026-11-27T10:00:00.000Z',
  versions,
  platforms: ['android'],
  new: false,
  regressed: false,
  spike: false,
  trend: 'flat',
  baseline: 1,
  critical,
  sample: [],
});

const digestOf = (groups: CrashGroup[]): Digest => ({
  fingerprint_version: 'fp:v2',
  window: { start: '', end: '', duration_ms: 86_400_000 },
  totals: {
    reports: 0,
    history: 0,
    groups: groups.length,
    fatal: 0,
    users: 0,
    new: 0,
    critical: 0,
    rejected: 0,
  },
  rejected: {},
  groups,
});

/** An in-memory store recording every write. */
function memoryStore(issues: Map<string, CrashIssue>, comment?: string) {
  const writes: string[] = [];
  const store: CrashIssueStore = {
    list: () => Promise.resolve(issues),
    open: (fp) => {
      writes.push(`open ${fp}`);
      return Promise.resolve({
        number: 100 + writes.length,
        url: 'u',
        open: true,
        labels: ['crash'],
        state: {},
      });
    },
    update: (issue) => {
      writes.push(`update #${issue.number}`);
      return Promise.resolve();
    },
    reopen: (issue) => {
      writes.push(`reopen #${issue.number}`);
      return Promise.resolve();
    },
    lastComment: () => Promise.resolve(comment),
  };
  return { store, writes };
}
const closed = (newest: string, labels: string[] = ['crash']): CrashIssue => ({
  number: 7,
  url: 'https://github.com/acme/mara/issues/7',
  open: false,
  labels,
  state: { fingerprint: 'fp:v2:a', newest },
});
const options = { windowLabel: '24h', log: () => undefined };

describe('fixedInVersion', () => {
  it.each([
    [['crash', 'fixed-in:1.4.3'], undefined, '1.4.3'],
    [['Fixed-In:v2.0.0'], undefined, '2.0.0'],
    [['crash'], 'Fixed in 1.4.3 by #88', '1.4.3'],
    [['crash'], 'fixed-in: v1.5.0-beta.2', '1.5.0-beta.2'],
    [['crash'], 'Thanks, fixed now.', undefined],
    [['fixed-in:soon'], undefined, undefined],
  ])('%j + %j → %s', (labels, comment, expected) => {
    expect(fixedInVersion(labels, comment)).toBe(expected);
  });
});

describe('syncCrashIssues', () => {
  it('without a fixed-in release, a closed group regresses only in a release newer than it was last seen in', async () => {
    const older = memoryStore(new Map([['fp:v2:a', closed('2.4.0')]]));
    const same = await syncCrashIssues(
      digestOf([group('fp:v2:a', ['2.4.0', '2.3.9'])]),
      older.store,
      options,
    );
    expect([same.groups[0]?.issue?.status, older.writes]).toEqual(['resolved', []]);

    const newer = memoryStore(new Map([['fp:v2:a', closed('2.4.0')]]));
    const back = await syncCrashIssues(digestOf([group('fp:v2:a', ['2.4.1'])]), newer.store, options);
    expect([back.groups[0]?.issue?.status, back.groups[0]?.critical, newer.writes]).toEqual([
      'reopened',
      ['regressed'],
      ['reopen #7'],
    ]);
    expect(back.totals.critical).toBe(1);
  });

  it('opens at most MAX_OPENED issues a run, and none for groups that are not critical', async () => {
    const groups = Array.from({ length: MAX_OPENED + 5 }, (_, k) =>
      group(`fp:v2:${k}`, ['1.0.0'], ['spike']),
    );
    groups.push(group('fp:v2:calm', ['1.0.0']));
    const { store, writes } = memoryStore(new Map());
    const out = await syncCrashIssues(digestOf(groups), store, options);
    expect(writes).toHaveLength(MAX_OPENED);
    expect(out.groups.filter((g) => g.issue?.status === 'opened')).toHaveLength(MAX_OPENED);
    expect(out.groups.find((g) => g.fingerprint === 'fp:v2:calm')?.issue).toBeUndefined();
  });

  it('writes nothing in dry-run', async () => {
    const { store, writes } = memoryStore(new Map([['fp:v2:a', closed('2.4.0')]]));
    const out = await syncCrashIssues(
      digestOf([group('fp:v2:a', ['2.5.0']), group('fp:v2:b', ['2.5.0'], ['new fatal'])]),
      store,
      { ...options, readOnly: true },
    );
    expect(writes).toEqual([]);
    expect(out.groups.map((g) => g.critical)).toEqual([['regressed'], ['new fatal']]);
  });
});
