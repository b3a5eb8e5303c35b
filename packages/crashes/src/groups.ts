import type { Fingerprint } from './fingerprint';
import { bySchema } from './normalize';
import { StreamingGrouper } from './streaming-grouper';

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

/**
 * A StreamingGrouper with the zod schemas loaded from the start, so every record counts as soon as
 * it is added (tests, scripts). collectDigest uses StreamingGrouper, which loads them only if a
 * record needs them.
 */
export class CrashGrouper extends StreamingGrouper {
  constructor(options: GroupingOptions) {
    super(options);
    this.schema = bySchema;
  }
}
