import { groupTitle, type Fingerprint } from './fingerprint';
import { FingerprintMemo } from './fingerprint-memo';
import { mergeGroupState, type GroupingShare, type GroupState } from './group-state';
import type { CrashGroup, CriticalReason, Grouping, GroupingOptions, Trend } from './groups';
import type { bySchema } from './normalize';
import {
  normalizeChecked,
  TraceCache,
  UNKNOWN_VERSION,
  type Crash,
  type Frame,
  type Unchecked,
} from './report-normalize';
import { displayUri } from './scrub';
import { compareVersions, versionLabel } from './versions';

/**
 * Distinct traces the grouper keeps parsed (a few MB of text): on a realistic export the same bug
 * in the same build repeats its trace often but not back to back, and 512 kept only a third of
 * the repeats (bench/crash-digest).
 */
const TRACES_KEPT = 8192;

/** A record waiting for the schemas: one they must decide, one after it, or a rejection after it. */
type Waiting = { checked: Unchecked } | { value: unknown; text: string | undefined } | { reason: string };

/**
 * Groups crash reports as they stream in; memory grows with the number of groups and users, never
 * with the number of reports. Order does not matter: every statistic is commutative. Records the
 * plain checks do not accept wait, with all after them, until settle() has loaded the schemas
 * (collectDigest settles after each chunk read); CrashGrouper (groups.ts) has them from the start.
 */
export class StreamingGrouper {
  private readonly groups = new Map<string, GroupState>();
  private readonly rejected = new Map<string, number>();
  /** Per parsed trace (shared by the trace cache) and exception type. */
  private readonly fingerprints = new WeakMap<readonly Frame[], Map<string, Fingerprint>>();
  private readonly traces: TraceCache;
  /** Fingerprints by exception type and in-app frame keys, for traces the cache does not share. */
  private readonly paths: FingerprintMemo;
  /** The schemas' verdict (normalize.ts), once loaded. */
  protected schema: typeof bySchema | undefined;
  private waiting: Waiting[] = [];
  private readonly windowStart: number;
  private readonly baselineStart: number;
  private readonly appPackage: string;
  private readonly sampleSize: number;
  private earliest = Number.POSITIVE_INFINITY;
  private reports = 0;
  private history = 0;
  private fatal = 0;

  constructor(private readonly options: GroupingOptions) {
    this.windowStart = options.now - options.windowMs;
    this.baselineStart = this.windowStart - options.windowMs * (options.baselineWindows ?? 7);
    this.appPackage = options.appPackages[0] ?? '';
    this.sampleSize = options.sampleFrames ?? 5;
    this.traces = new TraceCache(options.appPackages, TRACES_KEPT, this.sampleSize);
    this.paths = new FingerprintMemo(this.appPackage);
  }

  /** One record's text (an NDJSON line or a JSON array element). */
  addText(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.reject('not valid JSON');
      return;
    }
    this.addValue(value, text);
  }

  /**
   * `text`: the record's JSON text, when known (see normalizeReport). A record the plain checks do
   * not accept waits for the zod schemas (settle()), and so does every record after it, in order.
   */
  addValue(value: unknown, text?: string): void {
    if (this.waiting.length) {
      this.waiting.push({ value, text });
      return;
    }
    const checked = normalizeChecked(value, this.options.appPackages, this.traces, text);
    if (!('unchecked' in checked)) return this.added(checked);
    if (this.schema) return this.added(this.schema(checked, this.options.appPackages, this.traces));
    this.waiting.push({ checked });
  }

  /** True while records wait for the schemas: call settle() before reading further. */
  get unsettled(): boolean {
    return this.waiting.length > 0;
  }

  /**
   * Loads the zod schemas (only once a record needs them: most runs never do, and start-up does
   * not pay for them) and adds the records that waited, in the order they came.
   */
  async settle(): Promise<void> {
    if (!this.waiting.length) return;
    this.schema ??= (await import('./normalize')).bySchema;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
      if ('checked' in w) this.added(this.schema(w.checked, this.options.appPackages, this.traces));
      else if ('reason' in w) this.reject(w.reason);
      else this.addValue(w.value, w.text);
    }
  }

  private added(normalized: { crash: Crash } | { rejected: string }): void {
    if ('rejected' in normalized) this.reject(normalized.rejected);
    else this.add(normalized.crash);
  }

  /** What this grouper holds (after settle()), to merge into the grouper of the records before it. */
  share(): GroupingShare {
    if (this.waiting.length) throw new Error('share() before settle()');
    const { earliest, reports, history, fatal } = this;
    return {
      groups: [...this.groups.values()],
      rejected: [...this.rejected],
      earliest,
      reports,
      history,
      fatal,
    };
  }

  /**
   * Adds the share of the records that came after all of this grouper's: the result is the one
   * grouping them all in one grouper gives (groups.ts: every statistic is commutative; the ties
   * order breaks, the earlier side keeps).
   */
  merge(share: GroupingShare): void {
    for (const [reason, n] of share.rejected) this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + n);
    for (const g of share.groups) {
      const mine = this.groups.get(g.fp.fingerprint);
      if (mine) mergeGroupState(mine, g);
      else this.groups.set(g.fp.fingerprint, g);
    }
    this.earliest = Math.min(this.earliest, share.earliest);
    this.reports += share.reports;
    this.history += share.history;
    this.fatal += share.fatal;
  }

  reject(reason: string): void {
    if (this.waiting.length) {
      this.waiting.push({ reason });
      return;
    }
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  add(crash: Crash): void {
    if (!Number.isFinite(crash.timestamp)) {
      this.reject('timestamp is not a date');
      return;
    }
    const fp = this.fingerprint(crash);
    let g = this.groups.get(fp.fingerprint);
    if (!g) {
      g = {
        fp,
        type: crash.type,
        latest: crash,
        count: 0,
        fatal: 0,
        users: new Set(),
        firstSeen: crash.timestamp,
        lastSeen: crash.timestamp,
        versions: new Set(),
        platforms: new Set(),
        maxWindowVersion: '',
        lastWindowApp: '',
        lastWindowBuild: '',
        baselineCount: 0,
        historyCount: 0,
        lastHistorySeen: Number.NEGATIVE_INFINITY,
        maxHistoryVersion: '',
        lastHistoryApp: '',
        lastHistoryBuild: '',
      };
      this.groups.set(fp.fingerprint, g);
    }
    const t = crash.timestamp;
    if (t < this.earliest) this.earliest = t;
    if (t < g.firstSeen) g.firstSeen = t;
    if (t > g.lastSeen) {
      g.lastSeen = t;
      g.latest = crash;
    }
    if (t >= this.windowStart) {
      // Reports stamped after "now" (device clocks run fast) still belong to this window.
      this.reports++;
      g.count++;
      if (crash.fatal) {
        g.fatal++;
        this.fatal++;
      }
      if (crash.userId !== undefined) {
        g.users.add(crash.userId);
      }
      g.versions.add(crash.appVersion);
      g.platforms.add(crash.platform);
      if (
        crash.appVersion !== UNKNOWN_VERSION &&
        (crash.appVersion !== g.lastWindowApp || crash.buildNumber !== g.lastWindowBuild)
      ) {
        const version = versionLabel(crash.appVersion, crash.buildNumber);
        if (!g.maxWindowVersion || compareVersions(version, g.maxWindowVersion) > 0)
          g.maxWindowVersion = version;
        g.lastWindowApp = crash.appVersion;
        g.lastWindowBuild = crash.buildNumber;
      }
    } else {
      this.history++;
      g.historyCount++;
      if (t >= this.baselineStart) g.baselineCount++;
      if (t > g.lastHistorySeen) g.lastHistorySeen = t;
      if (
        crash.appVersion !== UNKNOWN_VERSION &&
        (crash.appVersion !== g.lastHistoryApp || crash.buildNumber !== g.lastHistoryBuild)
      ) {
        const version = versionLabel(crash.appVersion, crash.buildNumber);
        if (!g.maxHistoryVersion || compareVersions(version, g.maxHistoryVersion) > 0)
          g.maxHistoryVersion = version;
        g.lastHistoryApp = crash.appVersion;
        g.lastHistoryBuild = crash.buildNumber;
      }
    }
  }

  private fingerprint(crash: Crash): Fingerprint {
    // The trace cache hands out one frames array per distinct trace: hash each (trace, type) once.
    const byType = crash.sharedFrames ? this.fingerprints.get(crash.frames) : undefined;
    const cached = byType?.get(crash.type);
    if (cached) return cached;
    const fp = this.paths.of(crash);
    // A message-based fingerprint depends on the message too: never cache those. Frames of a
    // Sentry event belong to that event alone: keyed on them, the weak map would only grow.
    if (fp.basis === 'frames' && crash.sharedFrames) {
      if (byType) byType.set(crash.type, fp);
      else this.fingerprints.set(crash.frames, new Map([[crash.type, fp]]));
    }
    return fp;
  }

  /** A report that kept only its in-app frames gets its whole trace read back for the sample. */
  private withAllFrames(crash: Crash): Crash {
    if (crash.trace === undefined) return crash;
    const full = new TraceCache(this.options.appPackages, 1, this.sampleSize).parse(crash.trace);
    return { ...crash, frames: full.frames };
  }

  result(): Grouping {
    const { now, windowMs, spikeFactor, minEvents } = this.options;
    const start = this.windowStart;
    // The baseline spans the history we have, up to `baselineWindows` windows before this one.
    const spanMs = Number.isFinite(this.earliest) ? start - Math.max(this.earliest, this.baselineStart) : 0;
    const baselineWindows = spanMs > 0 ? spanMs / windowMs : 0;
    const groups: CrashGroup[] = [];
    for (const g of this.groups.values()) {
      if (g.count === 0) continue;
      const isNew = g.firstSeen >= start;
      const baseline = baselineWindows > 0 ? g.baselineCount / baselineWindows : null;
      const regressed =
        g.historyCount > 0 &&
        // Both sides need a known version: "newer" is about versions, never times.
        g.maxWindowVersion !== '' &&
        g.maxHistoryVersion !== '' &&
        g.lastHistorySeen < start - windowMs &&
        compareVersions(g.maxWindowVersion, g.maxHistoryVersion) > 0;
      // A spike is an existing group escalating over its own baseline; a group with no past is "new".
      const spike = !isNew && baseline !== null && g.count >= minEvents && g.count >= spikeFactor * baseline;
      const critical: CriticalReason[] = [
        ...(isNew && g.fatal > 0 ? (['new fatal'] as const) : []),
        ...(regressed ? (['regressed'] as const) : []),
        ...(spike ? (['spike'] as const) : []),
      ];
      groups.push({
        fingerprint: g.fp.fingerprint,
        basis: g.fp.basis,
        title: groupTitle(g.latest),
        type: g.type,
        culprit: g.fp.culprit,
        count: g.count,
        fatal: g.fatal,
        users: g.users.size,
        first_seen: isoTime(g.firstSeen),
        last_seen: isoTime(g.lastSeen),
        versions: [...g.versions].sort((a, b) => compareVersions(b, a)),
        platforms: [...g.platforms].sort(),
        new: isNew,
        regressed,
        spike,
        trend: isNew ? 'new' : trendOf(g.count, baseline),
        baseline: baseline === null ? null : Math.round(baseline * 100) / 100,
        critical,
        sample: sampleOf(this.withAllFrames(g.latest), this.sampleSize),
      });
    }
    groups.sort(
      (a, b) => b.count - a.count || b.fatal - a.fatal || a.fingerprint.localeCompare(b.fingerprint),
    );
    const rejected = Object.fromEntries([...this.rejected].sort((a, b) => b[1] - a[1]));
    return {
      window: {
        start: new Date(start).toISOString(),
        end: new Date(now).toISOString(),
        duration_ms: windowMs,
      },
      totals: {
        reports: this.reports,
        history: this.history,
        groups: groups.length,
        fatal: this.fatal,
        users: distinctUsers(this.groups.values()),
        new: groups.filter((g) => g.new).length,
        critical: groups.filter((g) => g.critical.length).length,
        rejected: [...this.rejected.values()].reduce((a, b) => a + b, 0),
      },
      rejected,
      groups,
    };
  }
}

/** The union at the end, rather than a second Set.add per report. */
function distinctUsers(groups: Iterable<GroupState>): number {
  const all = new Set<string>();
  for (const g of groups) for (const u of g.users) all.add(u);
  return all.size;
}

function trendOf(count: number, baseline: number | null): Trend {
  if (baseline === null) return 'flat';
  if (count > baseline * 1.5) return 'up';
  if (count < baseline / 1.5) return 'down';
  return 'flat';
}

function sampleOf(crash: Crash, size: number): string[] {
  return crash.frames.slice(0, size).map((f) => {
    const position = [f.line, f.column].filter((n) => n !== undefined).join(':');
    const where = `${displayUri(f.uri) || f.file}${position ? `:${position}` : ''}`;
    return `${f.inApp ? '▶ ' : ''}${f.function} (${where})`;
  });
}

/** A time as ISO 8601; a time no Date can hold (a hostile report's) never throws and ends the digest. */
function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? 'unknown' : d.toISOString();
}
