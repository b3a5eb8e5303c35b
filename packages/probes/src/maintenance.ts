import { parseDuration } from '@sre-toolkit/action';
import { yamlParser } from './yaml-parser';

/**
 * Maintenance windows: while one covers a target, its failures neither open incidents nor alert,
 * and uptime does not count them. A window is fixed (`start`, `end`) or weekly-ish (`cron` in UTC
 * with a `duration`); an open issue labelled `maintenance` silences the targets its body names.
 */

export interface MaintenanceWindow {
  /** Target names; empty for every target. */
  readonly targets: readonly string[];
  readonly start?: Date;
  readonly end?: Date;
  readonly cron?: Cron;
  readonly durationMs?: number;
  /** How it reads in logs: `2026-12-01 03:00-04:00 UTC`, `cron 0 3 * * 0 for 1h`. */
  readonly text: string;
}

/** Each field's allowed values. */
export interface Cron {
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly day: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  readonly weekday: ReadonlySet<number>;
  readonly dayRestricted: boolean;
  readonly weekdayRestricted: boolean;
}

/** Longest cron window: a week, which also bounds the minute-by-minute look back. */
const MAX_CRON_DURATION = 7 * 86_400_000;

/** The `maintenance` input: a YAML list of windows. Errors name the item and the rule. */
export function parseMaintenance(text: string): { value: MaintenanceWindow[] } | { error: string } {
  if (!text.trim()) return { value: [] };
  const doc = yamlParser().parseDocument(text);
  if (doc.errors.length)
    return { error: `is not valid YAML (${doc.errors[0]?.code.toLowerCase().replace(/_/g, ' ')})` };
  const list: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!Array.isArray(list)) {
    return {
      error:
        'must be a YAML list of windows: `- {targets: [api], start: 2026-12-01T03:00Z, end: 2026-12-01T04:00Z}` or `- {targets: [api], cron: "0 3 * * 0", duration: 1h}`',
    };
  }
  const windows: MaintenanceWindow[] = [];
  for (const [i, item] of list.entries()) {
    const w = readWindow(item);
    if ('error' in w) return { error: `item ${i + 1}: ${w.error}` };
    windows.push(w.value);
  }
  return { value: windows };
}

const KEYS = new Set(['targets', 'start', 'end', 'cron', 'duration']);

function readWindow(item: unknown): { value: MaintenanceWindow } | { error: string } {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return { error: 'must be a map' };
  const spec = item as Record<string, unknown>;
  const unknown = Object.keys(spec).find((k) => !KEYS.has(k));
  if (unknown)
    return { error: `has unknown key ${JSON.stringify(unknown)}; known keys: ${[...KEYS].join(', ')}` };
  const targets =
    spec.targets === undefined || spec.targets === null
      ? []
      : (Array.isArray(spec.targets) ? spec.targets : [spec.targets]).map((t) => String(t).trim());
  if (targets.some((t) => !t)) return { error: 'has an empty target name' };
  if (spec.cron !== undefined) {
    if (spec.start !== undefined || spec.end !== undefined)
      return { error: 'has both cron and start/end; use one' };
    const cron = parseCron(String(spec.cron));
    if ('error' in cron) return { error: `cron ${cron.error}` };
    const durationMs = parseDuration(String(spec.duration ?? '').trim());
    if (!durationMs || durationMs <= 0 || durationMs > MAX_CRON_DURATION) {
      return { error: 'needs a duration with its cron, like 30m, 1h or 2h30m (at most 7 days)' };
    }
    return {
      value: {
        targets,
        cron: cron.value,
        durationMs,
        text: `cron ${String(spec.cron).trim()} for ${String(spec.duration).trim()}`,
      },
    };
  }
  const start = dateOf(spec.start);
  const end = dateOf(spec.end);
  if (!start || !end)
    return { error: 'needs start and end (ISO times, e.g. 2026-12-01T03:00Z), or cron and duration' };
  if (end <= start) return { error: 'ends before it starts' };
  return { value: { targets, start, end, text: `${iso(start)} to ${iso(end)}` } };
}

function dateOf(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v !== 'string') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const iso = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/:00\.000Z$/, ' UTC');

const FIELDS: readonly [keyof Omit<Cron, 'dayRestricted' | 'weekdayRestricted'>, number, number][] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day', 1, 31],
  ['month', 1, 12],
  ['weekday', 0, 7],
];

/** Five fields, UTC: numbers, `*`, ranges `a-b`, steps `/n`, lists `a,b`. Sunday is 0 or 7. */
export function parseCron(text: string): { value: Cron } | { error: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) {
    return { error: `must have 5 fields (minute hour day month weekday), got ${parts.length}` };
  }
  const sets: Record<string, Set<number>> = {};
  for (const [i, [name, min, max]] of FIELDS.entries()) {
    const set = new Set<number>();
    for (const piece of (parts[i] ?? '').split(',')) {
      const m = /^(\*|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/.exec(piece);
      if (!m)
        return {
          error: `has ${JSON.stringify(piece)} as ${name}, which is not *, a number, a range or a step`,
        };
      const from = m[1] === '*' ? min : Number(m[2]);
      const to = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
      const step = m[4] !== undefined ? Number(m[4]) : 1;
      if (from < min || to > max || from > to || step < 1) {
        return { error: `has ${JSON.stringify(piece)} as ${name}, outside ${min}-${max}` };
      }
      for (let v = from; v <= to; v += step) set.add(name === 'weekday' && v === 7 ? 0 : v);
    }
    sets[name] = set;
  }
  return {
    value: {
      minute: sets.minute as Set<number>,
      hour: sets.hour as Set<number>,
      day: sets.day as Set<number>,
      month: sets.month as Set<number>,
      weekday: sets.weekday as Set<number>,
      dayRestricted: parts[2] !== '*',
      weekdayRestricted: parts[4] !== '*',
    },
  };
}

export function cronMatches(cron: Cron, at: Date): boolean {
  if (
    !cron.minute.has(at.getUTCMinutes()) ||
    !cron.hour.has(at.getUTCHours()) ||
    !cron.month.has(at.getUTCMonth() + 1)
  )
    return false;
  const day = cron.day.has(at.getUTCDate());
  const weekday = cron.weekday.has(at.getUTCDay());
  // Cron's rule: when both day fields are restricted, either may match.
  if (cron.dayRestricted && cron.weekdayRestricted) return day || weekday;
  return day && weekday;
}

/** Whether `now` falls in the window: for a cron, whether it fired within the last `duration`. */
export function windowCovers(w: MaintenanceWindow, now: Date): boolean {
  if (w.start && w.end) return now >= w.start && now < w.end;
  if (!w.cron || !w.durationMs) return false;
  const minute = Math.floor(now.getTime() / 60_000) * 60_000;
  for (let t = minute; t > now.getTime() - w.durationMs; t -= 60_000) {
    if (cronMatches(w.cron, new Date(t))) return true;
  }
  return false;
}

/** An open issue labelled `maintenance`. */
export interface MaintenanceIssue {
  readonly number: number;
  readonly body: string;
}

/** Whether `body` names `target` as a whole word (not inside a longer name). */
export function namesTarget(body: string, target: string): boolean {
  const nameChar = /[\w.:/-]/;
  for (let i = body.indexOf(target); i >= 0; i = body.indexOf(target, i + 1)) {
    const before = body[i - 1];
    const after = body[i + target.length];
    const endsSentence = after === '.' && !nameChar.test(body[i + target.length + 1] ?? ' ');
    if (
      (before === undefined || !nameChar.test(before)) &&
      (after === undefined || endsSentence || !nameChar.test(after))
    )
      return true;
  }
  return false;
}

/** Why `target` is in maintenance now, or undefined. */
export function maintenanceOf(
  target: string,
  now: Date,
  windows: readonly MaintenanceWindow[],
  issues: readonly MaintenanceIssue[],
): string | undefined {
  const w = windows.find((x) => (!x.targets.length || x.targets.includes(target)) && windowCovers(x, now));
  if (w) return `window ${w.text}`;
  const issue = issues.find((i) => namesTarget(i.body, target));
  return issue ? `issue #${issue.number}` : undefined;
}
