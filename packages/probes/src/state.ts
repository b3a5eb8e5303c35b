import type { ProbeStatus } from './probe';

/**
 * What health-probe remembers between runs, per target: the raw results of the last 48 hours,
 * hourly aggregates for 90 days, and the bookkeeping of the open outage (incident, reminders,
 * hand-closed acknowledgement) and of certificate alerts. Pure: reading, changing and pruning it
 * take the clock as an argument. The JSON is what lives on the state branch.
 */

/** `u` up, `g` degraded, `d` down, `m` in maintenance (whatever it answered). */
export type SampleCode = 'u' | 'g' | 'd' | 'm';

export interface Sample {
  /** ISO time of the run. */
  readonly t: string;
  readonly s: SampleCode;
  /** Response time, or null when nothing answered. */
  readonly ms: number | null;
}

export interface HourBucket {
  /** ISO start of the hour. */
  readonly h: string;
  readonly u: number;
  readonly g: number;
  readonly d: number;
  readonly m: number;
  /** Latency percentiles of the hour's answers, null when none answered. */
  readonly p50: number | null;
  readonly p95: number | null;
}

export interface Outage {
  /** ISO time of the first down run of the outage. */
  readonly since: string;
  readonly lastError: string;
  /** The incident issue, when one was opened. */
  readonly issue?: { readonly number: number; readonly url: string };
  /** Whether an alert went out (an incident was opened). */
  readonly alerted: boolean;
  /** ISO time of the last reminder (or of the alert). */
  readonly remindedAt?: string;
  /** The incident issue was closed by hand while the target was still down: not reopened for this outage. */
  readonly acknowledged?: boolean;
}

export interface TargetMemory {
  readonly samples: readonly Sample[];
  readonly hours: readonly HourBucket[];
  readonly outage?: Outage;
  /** The smallest certificate threshold (days) already alerted for the current certificate. */
  readonly certAlerted?: number;
}

export interface HealthState {
  readonly version: 1;
  readonly updated: string;
  readonly targets: Readonly<Record<string, TargetMemory>>;
}

export const RAW_WINDOW_MS = 48 * 3_600_000;
export const HOURLY_WINDOW_MS = 90 * 86_400_000;
const HOUR = 3_600_000;

export const emptyState = (now: Date): HealthState => ({
  version: 1,
  updated: now.toISOString(),
  targets: {},
});

export const SAMPLE_CODE: Record<ProbeStatus | 'maintenance', SampleCode> = {
  up: 'u',
  degraded: 'g',
  down: 'd',
  maintenance: 'm',
};

/**
 * Reads the state file's text, trusting nothing in it: unknown fields are dropped, bad samples
 * skipped. Returns an error in words when it is not a state at all (corrupt JSON, another format).
 */
export function parseState(text: string): { value: HealthState } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { error: `is not valid JSON (${(error as Error).message.slice(0, 80)})` };
  }
  if (!isObject(doc) || doc.version !== 1 || !isObject(doc.targets)) {
    return { error: 'is not a health-probe state (version 1 with targets)' };
  }
  const targets: Record<string, TargetMemory> = {};
  for (const [name, raw] of Object.entries(doc.targets)) {
    if (!isObject(raw)) continue;
    const samples = (Array.isArray(raw.samples) ? raw.samples : []).map(sampleOf).filter(isSample);
    const hours = (Array.isArray(raw.hours) ? raw.hours : []).map(hourOf).filter(isHour);
    const outage = readOutage(raw.outage);
    const certAlerted = typeof raw.certAlerted === 'number' ? raw.certAlerted : undefined;
    targets[name] = {
      samples,
      hours,
      ...(outage ? { outage } : {}),
      ...(certAlerted !== undefined ? { certAlerted } : {}),
    };
  }
  const updated = typeof doc.updated === 'string' ? doc.updated : new Date(0).toISOString();
  return { value: { version: 1, updated, targets } };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function isSample(v: unknown): v is Sample {
  return (
    isObject(v) &&
    isTime(v.t) &&
    (v.s === 'u' || v.s === 'g' || v.s === 'd' || v.s === 'm') &&
    (v.ms === null || typeof v.ms === 'number')
  );
}

/**
 * On the branch, samples and hours are tuples, a third of the size of objects: a sample is
 * `[epoch ms, code, ms]`, an hour `[epoch hour, up, degraded, down, maintenance, p50, p95]`.
 * 10 targets probed every 5 minutes keep about 2 × 10 × 576 samples and 10 × 2,160 hours: ~0.9 MB.
 */
function sampleOf(v: unknown): unknown {
  if (!Array.isArray(v) || typeof v[0] !== 'number') return undefined;
  return { t: new Date(v[0]).toISOString(), s: v[1], ms: v[2] ?? null };
}

function hourOf(v: unknown): unknown {
  if (!Array.isArray(v) || typeof v[0] !== 'number') return undefined;
  const [h, u, g, d, m, p50, p95] = v as unknown[];
  return { h: new Date((h as number) * HOUR).toISOString(), u, g, d, m, p50: p50 ?? null, p95: p95 ?? null };
}

/** The state as it is written to the branch (see sampleOf). */
export function serializeState(state: HealthState): string {
  const targets: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(state.targets)) {
    targets[name] = {
      samples: m.samples.map((x) => [Date.parse(x.t), x.s, x.ms]),
      hours: m.hours.map((x) => [Math.round(Date.parse(x.h) / HOUR), x.u, x.g, x.d, x.m, x.p50, x.p95]),
      ...(m.outage ? { outage: m.outage } : {}),
      ...(m.certAlerted !== undefined ? { certAlerted: m.certAlerted } : {}),
    };
  }
  return `${JSON.stringify({ version: state.version, updated: state.updated, targets })}\n`;
}

function isHour(v: unknown): v is HourBucket {
  const n = (x: unknown) => typeof x === 'number' && x >= 0;
  const p = (x: unknown) => x === null || typeof x === 'number';
  return isObject(v) && isTime(v.h) && n(v.u) && n(v.g) && n(v.d) && n(v.m) && p(v.p50) && p(v.p95);
}

function readOutage(v: unknown): Outage | undefined {
  if (!isObject(v) || !isTime(v.since)) return undefined;
  const issue =
    isObject(v.issue) && typeof v.issue.number === 'number' && typeof v.issue.url === 'string'
      ? { number: v.issue.number, url: v.issue.url }
      : undefined;
  return {
    since: v.since,
    lastError: typeof v.lastError === 'string' ? v.lastError : '',
    alerted: v.alerted === true,
    ...(issue ? { issue } : {}),
    ...(isTime(v.remindedAt) ? { remindedAt: v.remindedAt } : {}),
    ...(v.acknowledged === true ? { acknowledged: true } : {}),
  };
}

/** What one run changes: samples to add, bookkeeping to set (undefined clears), targets to forget. */
export interface StateChange {
  readonly samples: ReadonlyMap<string, Sample>;
  readonly outage: ReadonlyMap<string, Outage | undefined>;
  readonly certAlerted: ReadonlyMap<string, number | undefined>;
  readonly forget: ReadonlySet<string>;
}

/**
 * The state after a run: its change applied to `base`, then pruned. Applying to whatever is on the
 * branch now (not the version the run read) is how two overlapping runs merge: each run's samples
 * are kept once (by time), the later write's bookkeeping wins.
 */
export function applyChange(base: HealthState, change: StateChange, now: Date): HealthState {
  const targets: Record<string, TargetMemory> = { ...base.targets };
  for (const name of change.forget) delete targets[name];
  const names = new Set([...change.samples.keys(), ...change.outage.keys(), ...change.certAlerted.keys()]);
  for (const name of names) {
    if (change.forget.has(name)) continue;
    const was: TargetMemory = targets[name] ?? { samples: [], hours: [] };
    const sample = change.samples.get(name);
    let samples = was.samples;
    if (sample && !samples.some((s) => s.t === sample.t && s.s === sample.s)) {
      samples = [...samples, sample].sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
    }
    const outage = change.outage.has(name) ? change.outage.get(name) : was.outage;
    const cert = change.certAlerted.has(name) ? change.certAlerted.get(name) : was.certAlerted;
    targets[name] = {
      samples,
      hours: was.hours,
      ...(outage ? { outage } : {}),
      ...(cert !== undefined ? { certAlerted: cert } : {}),
    };
  }
  for (const [name, memory] of Object.entries(targets)) targets[name] = prune(memory, now);
  return { version: 1, updated: now.toISOString(), targets };
}

/** Moves samples older than 48 h into hourly buckets and drops buckets older than 90 days. */
export function prune(memory: TargetMemory, now: Date): TargetMemory {
  const rawFrom = now.getTime() - RAW_WINDOW_MS;
  const hourFrom = now.getTime() - HOURLY_WINDOW_MS;
  const old = memory.samples.filter((s) => Date.parse(s.t) < rawFrom);
  const samples = memory.samples.filter((s) => Date.parse(s.t) >= rawFrom);
  const hours = new Map(memory.hours.map((h) => [h.h, h]));
  const byHour = new Map<string, Sample[]>();
  for (const s of old) {
    const h = new Date(Math.floor(Date.parse(s.t) / HOUR) * HOUR).toISOString();
    byHour.set(h, [...(byHour.get(h) ?? []), s]);
  }
  for (const [h, list] of byHour) hours.set(h, merged(hours.get(h), bucketOf(h, list)));
  const kept = [...hours.values()]
    .filter((h) => Date.parse(h.h) >= hourFrom)
    .sort((a, b) => Date.parse(a.h) - Date.parse(b.h));
  return { ...memory, samples, hours: kept };
}

function bucketOf(h: string, list: readonly Sample[]): HourBucket {
  const count = (c: SampleCode) => list.filter((s) => s.s === c).length;
  const ms = list.flatMap((s) => (s.ms === null || s.s === 'd' ? [] : [s.ms]));
  return {
    h,
    u: count('u'),
    g: count('g'),
    d: count('d'),
    m: count('m'),
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
  };
}

/** Two buckets of the same hour (samples aggregated in two passes): counts add, percentiles weighted. */
function merged(a: HourBucket | undefined, b: HourBucket): HourBucket {
  if (!a) return b;
  const na = a.u + a.g;
  const nb = b.u + b.g;
  const mix = (x: number | null, y: number | null) =>
    x === null ? y : y === null ? x : Math.round((x * na + y * nb) / Math.max(1, na + nb));
  return {
    h: a.h,
    u: a.u + b.u,
    g: a.g + b.g,
    d: a.d + b.d,
    m: a.m + b.m,
    p50: mix(a.p50, b.p50),
    p95: mix(a.p95, b.p95),
  };
}

/** Nearest-rank percentile; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}

/** Consecutive runs at the end of the history that were down, and that answered; maintenance runs are skipped. */
export function streaks(samples: readonly Sample[]): { down: number; up: number } {
  let down = 0;
  let up = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]?.s;
    if (s === 'm') continue;
    if (s === 'd') {
      if (up) break;
      down++;
    } else {
      if (down) break;
      up++;
    }
  }
  return { down, up };
}

export interface Uptime {
  /** Share of counted runs (maintenance excluded) that answered (up or degraded), in percent; null without data. */
  readonly uptime: number | null;
  /** Share of counted runs that were degraded, in percent. */
  readonly degraded: number | null;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  /** Runs counted (maintenance excluded). */
  readonly checks: number;
}

export const WINDOWS = { '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR } as const;
export type WindowName = keyof typeof WINDOWS;

/**
 * Uptime and latency over the last `windowMs`: raw samples where they are kept, hourly buckets
 * before. Percentiles beyond 48 h are of the hourly percentiles weighted by answers: close, not exact.
 */
export function uptimeOver(memory: TargetMemory, now: Date, windowMs: number): Uptime {
  const from = now.getTime() - windowMs;
  const firstRaw = memory.samples[0] ? Date.parse(memory.samples[0].t) : Infinity;
  let u = 0;
  let g = 0;
  let d = 0;
  const p50s: number[] = [];
  const p95s: number[] = [];
  for (const s of memory.samples) {
    if (Date.parse(s.t) < from) continue;
    if (s.s === 'u') u++;
    else if (s.s === 'g') g++;
    else if (s.s === 'd') d++;
    if (s.ms !== null && (s.s === 'u' || s.s === 'g')) {
      p50s.push(s.ms);
      p95s.push(s.ms);
    }
  }
  for (const h of memory.hours) {
    const at = Date.parse(h.h);
    if (at < from || at >= firstRaw) continue;
    u += h.u;
    g += h.g;
    d += h.d;
    for (let i = 0; i < h.u + h.g; i++) {
      if (h.p50 !== null) p50s.push(h.p50);
      if (h.p95 !== null) p95s.push(h.p95);
    }
  }
  const checks = u + g + d;
  const pct = (n: number) => (checks ? Math.round((n / checks) * 10_000) / 100 : null);
  return {
    uptime: pct(u + g),
    degraded: pct(g),
    p50_ms: percentile(p50s, 50),
    p95_ms: percentile(p95s, 95),
    checks,
  };
}

/** One day's cell of the status page's 90-day bar. */
export type DayState = 'up' | 'degraded' | 'down' | 'maintenance' | 'none';

/** The worst state of each of the last `days` UTC days, oldest first. */
export function dailyStates(memory: TargetMemory, now: Date, days = 90): DayState[] {
  const DAY = 24 * HOUR;
  const today = Math.floor(now.getTime() / DAY);
  const cells: DayState[] = Array.from({ length: days }, () => 'none');
  const rank: Record<DayState, number> = { none: 0, maintenance: 1, up: 2, degraded: 3, down: 4 };
  const mark = (at: number, state: DayState) => {
    const i = days - 1 - (today - Math.floor(at / DAY));
    if (i < 0 || i >= days) return;
    if (rank[state] > rank[cells[i] as DayState]) cells[i] = state;
  };
  const code: Record<SampleCode, DayState> = { u: 'up', g: 'degraded', d: 'down', m: 'maintenance' };
  for (const s of memory.samples) mark(Date.parse(s.t), code[s.s]);
  for (const h of memory.hours) {
    const at = Date.parse(h.h);
    if (h.d) mark(at, 'down');
    else if (h.g) mark(at, 'degraded');
    else if (h.u) mark(at, 'up');
    else if (h.m) mark(at, 'maintenance');
  }
  return cells;
}
