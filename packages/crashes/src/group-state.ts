import type { Fingerprint } from './fingerprint';
import type { Crash } from './report-normalize';
import { compareVersions } from './versions';

/** One group while reports stream in (streaming-grouper.ts). */
export interface GroupState {
  readonly fp: Fingerprint;
  type: string;
  /** The most recent report: its message titles the group and its frames are the sample. */
  latest: Crash;
  count: number;
  fatal: number;
  users: Set<string>;
  firstSeen: number;
  lastSeen: number;
  versions: Set<string>;
  platforms: Set<string>;
  maxWindowVersion: string;
  /** The version pair last compared with the maximum: most reports repeat it, skip the work. */
  lastWindowApp: string;
  lastWindowBuild: string;
  baselineCount: number;
  historyCount: number;
  lastHistorySeen: number;
  maxHistoryVersion: string;
  lastHistoryApp: string;
  lastHistoryBuild: string;
}

/** What one grouper holds: its groups and counts, structured-cloneable (sent between threads). */
export interface GroupingShare {
  readonly groups: readonly GroupState[];
  readonly rejected: readonly (readonly [string, number])[];
  readonly earliest: number;
  readonly reports: number;
  readonly history: number;
  readonly fatal: number;
}

/**
 * Folds `later` (the same group, from records after all of `into`'s) into `into`: what one
 * grouper reading both in order would hold. Ties keep `into`'s (its records came first).
 */
export function mergeGroupState(into: GroupState, later: GroupState): void {
  if (later.firstSeen < into.firstSeen) into.firstSeen = later.firstSeen;
  if (later.lastSeen > into.lastSeen) {
    into.lastSeen = later.lastSeen;
    into.latest = later.latest;
  }
  into.count += later.count;
  into.fatal += later.fatal;
  for (const u of later.users) into.users.add(u);
  for (const v of later.versions) into.versions.add(v);
  for (const p of later.platforms) into.platforms.add(p);
  into.maxWindowVersion = newer(into.maxWindowVersion, later.maxWindowVersion);
  into.baselineCount += later.baselineCount;
  into.historyCount += later.historyCount;
  if (later.lastHistorySeen > into.lastHistorySeen) into.lastHistorySeen = later.lastHistorySeen;
  into.maxHistoryVersion = newer(into.maxHistoryVersion, later.maxHistoryVersion);
}

/** The newer of two version labels ('' is none). */
const newer = (a: string, b: string) => (!a || (b && compareVersions(b, a) > 0) ? b : a);
