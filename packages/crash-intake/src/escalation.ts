import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { oneLine } from '@sre-toolkit/action';
import { type AlertGroup, alertMessage } from './alert-message';
import type { AlertLabel } from './config';
import type { AlertFacts } from './deploy-context';
import {
  compareVersions,
  type Crash,
  fingerprintCrash,
  groupTitle,
  versionLabel,
} from '@sre-toolkit/crashes';
import { type DeliveryResult, type Mentions, type WebhookMessage, type Webhook } from '@sre-toolkit/discord';

/**
 * Real-time escalation: the first fatal report of a group (new within the retention), or a fatal
 * report of a group that regressed (seen before only on older versions, silent for a day), posts
 * one alert to #alerts right away. The set of groups is rebuilt from the store on start; which
 * groups were alerted is kept beside it, so a restart neither re-alerts nor forgets a pending alert.
 */

export const DAY_MS = 86_400_000;
/** Over this many new groups in a minute, one summary alert instead of a ping each. */
export const SUMMARY_THRESHOLD = 10;
const MINUTE_MS = 60_000;

export interface EscalationOptions {
  readonly dataDir: string;
  readonly appPackage: string;
  readonly webhook?: Webhook;
  readonly mentions?: Mentions;
  /** Severity (and runbook link) every alert leads with (issue #14). */
  readonly alertLabel?: AlertLabel;
  readonly cooldownMs: number;
  readonly retentionMs: number;
  /** Sends one message; resolves with the shared client's result (which retries 5xx and 429). */
  readonly send: (webhook: Webhook, message: WebhookMessage) => Promise<DeliveryResult>;
  readonly now?: () => number;
  /** New groups arriving within this long of each other are decided on together. */
  readonly batchMs?: number;
  /** The summary window: a minute (shorter in tests). */
  readonly windowMs?: number;
  /** First pause after a failed delivery; doubles up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  readonly log?: (message: string) => void;
  /** The line naming the deploy before an alert, or undefined; settles within its own bound. */
  readonly deployLine?: (facts: AlertFacts) => Promise<string | undefined>;
}

interface GroupSeen {
  count: number;
  lastSeen: number;
  maxVersion: string;
  fatalSeen: boolean;
  type: string;
  /** The latest report's message: its title (`groupTitle`) is made when an alert shows it. */
  message: string;
  culprit: string;
  version: string;
  platform: string;
}

export interface AlertItem {
  readonly kind: 'new' | 'regressed' | 'summary';
  readonly fingerprints: string[];
  readonly queuedAt: number;
}

interface SavedState {
  readonly version: 1;
  readonly alerted: Record<string, number>;
  readonly pending: AlertItem[];
}

export interface EscalationStatus {
  readonly pending: number;
  readonly oldestPendingMs: number | undefined;
  readonly lastError: string | undefined;
  readonly sent: number;
  readonly failed: number;
}

const STATE_FILE = 'alert-state.json';

export class Escalation {
  private readonly groups = new Map<string, GroupSeen>();
  private readonly alerted = new Map<string, number>();
  private queue: AlertItem[] = [];
  private fresh: { kind: 'new' | 'regressed'; fp: string }[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stormTimer: NodeJS.Timeout | undefined;
  private stormBucket: string[] = [];
  private stormUntil = 0;
  private recentSingles: number[] = [];
  private delivering: Promise<void> | undefined;
  private retryDelay: number;
  private error: string | undefined;
  private saving: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly deploys = new WeakMap<AlertItem, string | undefined>();
  sent = 0;
  failed = 0;
  private readonly now: () => number;

  private readonly windowMs: number;

  constructor(private readonly options: EscalationOptions) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? MINUTE_MS;
    this.retryDelay = options.retryMs ?? 1000;
  }

  /** Loads which groups were alerted and what was still pending. */
  async load(): Promise<void> {
    let saved: SavedState | undefined;
    try {
      saved = JSON.parse(await fs.readFile(join(this.options.dataDir, STATE_FILE), 'utf8')) as SavedState;
    } catch {
      saved = undefined;
    }
    if (saved?.version !== 1) return;
    const oldest = this.now() - this.options.retentionMs;
    for (const [fp, at] of Object.entries(saved.alerted)) if (at >= oldest) this.alerted.set(fp, at);
    this.queue = Array.isArray(saved.pending) ? saved.pending : [];
  }

  /** A stored report, replayed on start: counts and versions, never an alert. */
  remember(crash: Crash): void {
    this.observe(crash, false);
  }

  /**
   * After replaying the store: a fatal group first seen in the last day that was never alerted
   * (the intake stopped between storing its report and saving the alert) is alerted now.
   */
  recoverMissed(): void {
    if (!this.options.webhook) return;
    const queued = new Set(this.queue.flatMap((q) => q.fingerprints));
    const since = this.now() - DAY_MS;
    const missed = [...this.groups.entries()]
      .filter(([fp, g]) => g.fatalSeen && g.lastSeen >= since && !this.alerted.has(fp) && !queued.has(fp))
      .map(([fp]) => fp);
    for (const fp of missed) this.fresh.push({ kind: 'new', fp });
    if (this.fresh.length) this.scheduleBatch();
    if (this.queue.length) this.kick();
  }

  /** An accepted, durable report. */
  accept(crash: Crash): void {
    this.observe(crash, true);
  }

  private observe(crash: Crash, live: boolean): void {
    const fp = fingerprintCrash(crash, this.options.appPackage);
    const version = versionLabel(crash.appVersion, crash.buildNumber);
    const at = Math.min(crash.timestamp || this.now(), this.now());
    const seen = this.groups.get(fp.fingerprint);
    if (!seen) {
      this.groups.set(fp.fingerprint, {
        count: 1,
        lastSeen: at,
        maxVersion: version,
        fatalSeen: crash.fatal,
        type: crash.type,
        message: crash.message,
        culprit: fp.culprit,
        version,
        platform: crash.platform,
      });
      if (live && crash.fatal) this.trigger('new', fp.fingerprint);
      return;
    }
    const wasFatal = seen.fatalSeen;
    const newer = compareVersions(version, seen.maxVersion) > 0;
    const silent = at - seen.lastSeen >= DAY_MS;
    seen.count++;
    seen.lastSeen = Math.max(seen.lastSeen, at);
    seen.version = version;
    seen.platform = crash.platform;
    // The type is part of the fingerprint: the same for every report of the group.
    seen.message = crash.message;
    if (newer) seen.maxVersion = version;
    if (crash.fatal) seen.fatalSeen = true;
    if (!live || !crash.fatal) return;
    if (!wasFatal) this.trigger('new', fp.fingerprint);
    else if (newer && silent) this.trigger('regressed', fp.fingerprint);
  }

  private trigger(kind: 'new' | 'regressed', fp: string): void {
    if (!this.options.webhook) return;
    const last = this.alerted.get(fp);
    if (last !== undefined && this.now() - last < this.options.cooldownMs) return;
    if (this.fresh.some((f) => f.fp === fp) || this.queue.some((q) => q.fingerprints.includes(fp))) return;
    this.fresh.push({ kind, fp });
    this.scheduleBatch();
  }

  private scheduleBatch(): void {
    this.batchTimer ??= setTimeout(() => this.decide(), this.options.batchMs ?? 250);
  }

  /** Single alerts while the minute has room, one summary when it does not. */
  private decide(): void {
    this.batchTimer = undefined;
    const now = this.now();
    const fresh = this.fresh;
    this.fresh = [];
    this.recentSingles = this.recentSingles.filter((t) => now - t < this.windowMs);
    if (now < this.stormUntil) {
      this.stormBucket.push(...fresh.map((f) => f.fp));
    } else if (this.recentSingles.length + fresh.length > SUMMARY_THRESHOLD) {
      this.enqueue({ kind: 'summary', fingerprints: fresh.map((f) => f.fp), queuedAt: now });
      this.stormUntil = now + this.windowMs;
      this.stormTimer = setTimeout(() => this.endStorm(), this.windowMs);
    } else {
      for (const f of fresh) {
        this.recentSingles.push(now);
        this.enqueue({ kind: f.kind, fingerprints: [f.fp], queuedAt: now });
      }
    }
  }

  private endStorm(): void {
    this.stormTimer = undefined;
    const bucket = this.stormBucket;
    this.stormBucket = [];
    this.stormUntil = 0;
    if (!bucket.length) return;
    this.enqueue({ kind: 'summary', fingerprints: bucket, queuedAt: this.now() });
    this.stormUntil = this.now() + this.windowMs;
    this.stormTimer = setTimeout(() => this.endStorm(), this.windowMs);
  }

  private enqueue(item: AlertItem): void {
    this.queue.push(item);
    this.save();
    this.kick();
  }

  private kick(): void {
    if (this.stopped || this.delivering || this.retryTimer) return;
    this.delivering = this.deliver().finally(() => {
      this.delivering = undefined;
    });
  }

  private async deliver(): Promise<void> {
    const webhook = this.options.webhook;
    if (!webhook) return;
    while (this.queue.length && !this.stopped) {
      const item = this.queue[0] as AlertItem;
      const result = await this.options.send(webhook, this.message(item, await this.deployOf(item)));
      if (result.ok) {
        this.sent++;
        this.error = undefined;
        this.retryDelay = this.options.retryMs ?? 1000;
        const at = this.now();
        for (const fp of item.fingerprints) this.alerted.set(fp, at);
        this.queue.shift();
        this.save();
        continue;
      }
      this.failed++;
      this.error = result.reason ?? `HTTP ${result.status ?? '?'}`;
      // A deleted webhook or a wrong token does not heal by retrying (and Discord bans IPs that try).
      if (result.status === 401 || result.status === 403 || result.status === 404) {
        this.options.log?.(`Alert not delivered and dropped: ${oneLine(this.error)}.`);
        this.queue.shift();
        this.save();
        continue;
      }
      this.options.log?.(`Alert not delivered (${oneLine(this.error)}); retrying in ${this.retryDelay} ms.`);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, this.options.maxRetryMs ?? 60_000);
      return;
    }
  }

  /** The alert as Discord shows it (alert-message.ts), with its deploy line when one was found. */
  message(item: AlertItem, deploy?: string): WebhookMessage {
    return alertMessage(item, (fp) => this.alertGroup(fp), this.options, deploy);
  }

  /** A group as an alert shows it: the title of its latest report, made only now. */
  private alertGroup(fp: string): AlertGroup | undefined {
    const g = this.groups.get(fp);
    return g && { ...g, title: groupTitle({ type: g.type, message: g.message } as Crash) };
  }

  /** The deploy before an alert (issue #14): looked up once per alert, bounded by the lookup. */
  private async deployOf(item: AlertItem): Promise<string | undefined> {
    const lookup = this.options.deployLine;
    if (!lookup) return undefined;
    if (!this.deploys.has(item)) {
      const groups = item.fingerprints.flatMap((fp) => this.groups.get(fp) ?? []);
      // When the groups began: their last report, unless the alert was queued before it.
      const start = Math.min(item.queuedAt, ...groups.map((g) => g.lastSeen));
      const versions = [...new Set(groups.flatMap((g) => [g.version, g.maxVersion]))];
      this.deploys.set(item, await lookup({ start, versions }));
    }
    return this.deploys.get(item);
  }

  status(): EscalationStatus {
    const oldest = this.queue[0]?.queuedAt;
    return {
      pending: this.queue.length + this.fresh.length + this.stormBucket.length,
      oldestPendingMs: oldest === undefined ? undefined : this.now() - oldest,
      lastError: this.error,
      sent: this.sent,
      failed: this.failed,
    };
  }

  private save(): void {
    const state: SavedState = {
      version: 1,
      alerted: Object.fromEntries(this.alerted),
      pending: this.queue,
    };
    const path = join(this.options.dataDir, STATE_FILE);
    const text = JSON.stringify(state);
    this.saving = this.saving.then(async () => {
      const tmp = `${path}.tmp`;
      try {
        const f = await fs.open(tmp, 'w');
        try {
          await f.writeFile(text);
          await f.datasync();
        } finally {
          await f.close();
        }
        await fs.rename(tmp, path);
      } catch (error) {
        this.options.log?.(`Could not save the alert state: ${oneLine((error as Error).message)}`);
      }
    });
  }

  /** Sends what is pending (bounded by `ms`), saves, stops the timers. */
  async stop(ms: number): Promise<void> {
    if (this.batchTimer) {
      clearTimeout(this.batchTimer);
      this.decide();
    }
    if (this.stormTimer) {
      clearTimeout(this.stormTimer);
      this.endStorm();
    }
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.kick();
    }
    const bound = new Promise<void>((r) => setTimeout(r, ms).unref());
    await Promise.race([this.delivering ?? Promise.resolve(), bound]);
    this.stopped = true;
    clearTimeout(this.stormTimer);
    clearTimeout(this.retryTimer);
    this.save();
    await this.saving;
  }
}
