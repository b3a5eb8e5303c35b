import type { Embed } from '@sre-toolkit/discord';
import type { ProbeContext } from './alert-context';
import type { IncidentAction, IncidentContext, IncidentState, OpenIncident } from './incidents';
import type { Outage, Uptime } from './state';

// The shapes syncIncidents works with: where incidents live, what a run plans, what memory knows.

/** Where incidents live: GitHub issues in production, a map in unit tests. */
export interface IncidentStore {
  /** The open incident of each target that has one. */
  findOpen(targets: readonly string[]): Promise<Map<string, OpenIncident>>;
  /** Starts the read findOpen makes next, so that it runs while the targets are probed. */
  prefetch?(): void;
  open(
    key: string,
    title: string,
    body: string,
    state: IncidentState,
  ): Promise<{ number: number; url: string }>;
  update(incident: OpenIncident, key: string, body: string, state: IncidentState): Promise<void>;
  close(incident: OpenIncident, key: string, comment: string, state: IncidentState): Promise<void>;
}

export interface AlertPlan {
  /** Embeds for Discord: one per target that went down (or is down, without incidents) or recovered. */
  readonly embeds: Embed[];
  /** Whether the message should ping the configured mentions (only when something is down). */
  readonly ping: boolean;
  /** Incident issue per target name, for the report. */
  readonly issues: Map<string, { number: number; url: string }>;
  readonly actions: readonly IncidentAction[];
  /** Problems with the incident store, already described for the log; alerts fell back to every-run. */
  readonly warnings: string[];
  /** Down targets that count as down for `fail-on-down` (with memory: past the failure threshold, not in maintenance). */
  readonly confirmedDown: ReadonlySet<string>;
  /** What the run changed in the memory: each target's outage (undefined: none), certificate alerts, targets to forget. */
  readonly outages: Map<string, Outage | undefined>;
  readonly certAlerted: Map<string, number | undefined>;
  readonly forget: Set<string>;
}

/** What health-probe remembers of each target, as of this run (its sample included). */
export interface TargetFacts {
  /** Consecutive down runs ending with this one (maintenance runs skipped). */
  readonly downStreak: number;
  readonly upStreak: number;
  /** ISO time of the first run of the current down streak. */
  readonly downSince?: string;
  readonly outage?: Outage;
  readonly certAlerted?: number;
  /** Why the target is in maintenance now (`window …`, `issue #12`), or undefined. */
  readonly maintenance?: string;
  /** The last 7 days, for the reminder and recovery messages. */
  readonly week?: Uptime;
}

export interface MemorySettings {
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** Undefined: never remind. */
  readonly remindEveryMs?: number | undefined;
  readonly mentionOnReminder: boolean;
  /** Certificate alert thresholds in days, per target, largest first. */
  readonly certThresholds: (target: string) => readonly number[];
}

/** The memory of the run: per result, and the targets the state knows that are no longer configured. */
export interface RunMemory {
  readonly settings: MemorySettings;
  readonly facts: ReadonlyMap<string, TargetFacts>;
  /** Targets in the state with an open incident issue that the config no longer lists. */
  readonly removed: readonly string[];
}

export interface AlertOptions {
  readonly store?: IncidentStore;
  /** Dry run: read incidents, write nothing. */
  readonly readOnly: boolean;
  readonly now: Date;
  readonly ctx: IncidentContext;
  readonly log: (message: string) => void;
  /** Memory across runs (the state branch); without it every run stands alone, as before. */
  readonly memory?: RunMemory;
  /** Severity, runbook link and deploy context (issue #14); without it, alerts carry none. */
  readonly context?: ProbeContext | undefined;
}
