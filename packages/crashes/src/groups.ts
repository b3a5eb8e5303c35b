import { fingerprintCrash, groupTitle, type Fingerprint } from './fingerprint';
import { normalizeReport, TraceCache, UNKNOWN_VERSION, type Crash, type Frame } from './normalize';
import { displayUri } from './scrub';
import { compareVersions, versionLabel } from './versions';

export interface GroupingOptions {
  /** Packages whose frames are in-app (`package:<name>/…`). */
  readonly appPackages: readonly string[];
  /** The end of the window (now), in ms since the epoch: the clock is passed in. */
  readonly now: number;
  readonly windowMs: number;
  /** A group spikes when its window count ≥ factor × its baseline rate … */
  readonly spikeFactor: number;
  /** … and it has at least this many events in the window. */
  readonly minEvents: number;
  /** How many windows before the current one form the baseline (at most). */
  readonly baselineWindows?: number;
  /** Frames kept as a sample per group. */
  readonly sampleFrames?: number;
}

export type Trend = 'new' | 'up' | 'down' | 'flat';
export type CriticalReason = 'new fatal' | 'regressed' | 'spike';

/** One group of crashes (one bug), as the digest shows it. Text is not scrubbed yet. */
export interface CrashGroup {
  readonly fingerprint: string;
  readonly basis: Fingerprint['basis'];
  readonly title: string;
  readonly type: string;
  readonly culprit: string;
  /** Events in the window. */
  readonly count: number;
  /** Fatal events in the window. */
  readonly fatal: number;
  /** Distinct user ids in the window. */
  readonly users: number;
  readonly first_seen: string;
  readonly last_seen: string;
  /** App versions seen in the window, newest first. */
  readonly versions: string[];
  readonly platforms: string[];
  readonly new: boolean;
  readonly regressed: boolean;
  readonly spike: boolean;
  readonly trend: Trend;
  /** Events per window over the baseline (the windows before this one); null without history. */
  readonly baseline: number | null;
  readonly critical: CriticalReason[];
  /** Top frames of one report, `file:` paths reduced to their basename. */
  readonly sample: string[];
  /** The group's crash issue, with `issues: true` (see crash-issues.ts). */
  readonly issue?: IssueLink;
}

export interface IssueLink {
  readonly number: number;
  readonly url: string;
  /** opened / reopened this run, open, resolved (closed by the team), ignored (`crash-ignored`). */
  readonly status: 'opened' | 'reopened' | 'open' | 'resolved' | 'ignored';
}

export interface Grouping {
  readonly window: { readonly start: string; readonly end: string; readonly duration_ms: number };
  readonly totals: {
    /** Accepted reports inside the window. */
    readonly reports: number;
    /** Accepted reports before the window (history and baseline). */
    readonly history: number;
    readonly groups: number;
    readonly fatal: number;
    readonly users: number;
    readonly new: number;
    readonly critical: number;
    readonly rejected: number;
  };
  readonly rejected: Record<string, number>;
  /** Every group seen in the window, most events first. */
  readonly groups: CrashGroup[];
}

interface GroupState {
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

/**
 * Groups crash reports as they stream in; memory grows with the number of groups and users, never
 * with the number of reports. Order does not matter: every statistic is commutative.
 */
export class CrashGrouper {
  private readonly groups = new Map<string, GroupState>();
  private readonly rejected = new Map<string, number>();
  /** Per parsed trace (shared by the trace cache) and exception type. */
  private readonly fingerprints = new WeakMap<readonly Frame[], Map<string, Fingerprint>>();
  private readonly traces: TraceCache;
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
    this.traces = new TraceCache(options.appPackages, undefined, this.sampleSize);
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

  /** `text`: the record's JSON text, when known (see normalizeReport). */
  addValue(value: unknown, text?: string): void {
    const normalized = normalizeReport(value, this.options.appPackages, this.traces, text);
    if ('rejected' in normalized) this.reject(normalized.rejected);
    else this.add(normalized.crash);
  }

  reject(reason: string): void {
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
    const fp = fingerprintCrash(crash, this.appPackage);
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
