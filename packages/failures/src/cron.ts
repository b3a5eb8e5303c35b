/**
 * The longest gap between two firings of a set of GitHub Actions `schedule` crons (POSIX cron, five
 * fields, UTC; GitHub supports no `@daily` macros and no seconds). A monitor is silent when its last
 * run is older than a few of these gaps: "every 15 minutes" is 15 minutes, "weekdays at 9:00" is
 * the weekend's 72 hours, "0 0 31 * *" is the two months from a 31st to the next.
 *
 * Hand-written: it is short, and the question (the longest gap, not the next firing) is not what
 * cron libraries answer.
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

interface Field {
  readonly values: ReadonlySet<number>;
  /** `*` (or `*\/1`): unrestricted, which matters for the day-of-month / day-of-week rule. */
  readonly any: boolean;
}

export interface Cron {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dom: Field;
  readonly months: ReadonlySet<number>;
  readonly dow: Field;
}

/** Parses one cron expression; a message naming the field when it is not one GitHub would run. */
export function parseCron(expression: string): Cron | { readonly error: string } {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    return {
      error: `"${expression}" has ${parts.length} fields; a schedule cron has 5 (minute hour day month weekday)`,
    };
  const fields: Field[] = [];
  for (const [i, spec] of FIELDS.entries()) {
    const field = parseField(parts[i] ?? '', spec);
    if ('error' in field) return { error: `"${expression}": ${field.error}` };
    fields.push(field);
  }
  const [minute, hour, dom, month, dow] = fields as [Field, Field, Field, Field, Field];
  const dowValues = new Set([...dow.values].map((d) => d % 7));
  return {
    minutes: [...minute.values].sort((a, b) => a - b),
    hours: [...hour.values].sort((a, b) => a - b),
    dom,
    months: month.values,
    dow: { values: dowValues, any: dow.any },
  };
}

function parseField(
  text: string,
  spec: { name: string; min: number; max: number; names?: readonly string[] },
): Field | { error: string } {
  const values = new Set<number>();
  const value = (t: string): number | undefined => {
    const named = spec.names?.indexOf(t.toUpperCase()) ?? -1;
    if (named >= 0) return named + (spec.min === 1 ? 1 : 0);
    if (!/^\d{1,2}$/.test(t)) return undefined;
    const n = Number(t);
    return n >= spec.min && n <= spec.max ? n : undefined;
  };
  let any = false;
  for (const item of text.split(',')) {
    const [range = '', stepText, extra] = item.split('/');
    const step = stepText === undefined ? 1 : /^\d{1,2}$/.test(stepText) ? Number(stepText) : 0;
    if (extra !== undefined || step < 1) return { error: `the ${spec.name} field "${text}" has a bad step` };
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
      if (step === 1) any = true;
    } else {
      const [a = '', b] = range.split('-');
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : spec.max) : value(b);
    }
    if (from === undefined || to === undefined || from > to)
      return { error: `the ${spec.name} field "${text}" is not a value from ${spec.min} to ${spec.max}` };
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return { values, any };
}

const DAY = 1440;
/** Days looked at: 8 years from 2024 cover every leap-year, weekday and month-length pattern. */
const HORIZON_DAYS = 2922;
const EPOCH = Date.UTC(2024, 0, 1);

function firesOn(cron: Cron, date: Date): boolean {
  if (!cron.months.has(date.getUTCMonth() + 1)) return false;
  const dom = cron.dom.values.has(date.getUTCDate());
  const dow = cron.dow.values.has(date.getUTCDay());
  // POSIX: when both day fields are restricted, either one matching is enough.
  if (!cron.dom.any && !cron.dow.any) return dom || dow;
  return (cron.dom.any || dom) && (cron.dow.any || dow);
}

/**
 * The longest time, in minutes, between consecutive firings of these crons together; undefined
 * when they never fire (e.g. "0 0 30 2 *").
 */
export function longestGapMinutes(crons: readonly Cron[]): number | undefined {
  const daily = crons.map((c) => sortedUnique(c.hours.flatMap((h) => c.minutes.map((m) => h * 60 + m))));
  // The firing minutes of a day and their longest gap, per combination of crons firing that day.
  const byCombination = new Map<string, { times: readonly number[]; gap: number }>();
  let longest = 0;
  let previous: number | undefined;
  for (let day = 0; day < HORIZON_DAYS; day++) {
    const date = new Date(EPOCH + day * DAY * 60_000);
    const key = crons.map((c) => (firesOn(c, date) ? '1' : '0')).join('');
    if (!key.includes('1')) continue;
    let today = byCombination.get(key);
    if (!today) {
      const times = sortedUnique(daily.flatMap((t, i) => (key[i] === '1' ? t : [])));
      const gap = times.reduce((g, t, i) => (i ? Math.max(g, t - (times[i - 1] ?? t)) : g), 0);
      byCombination.set(key, (today = { times, gap }));
    }
    const first = today.times[0] ?? 0;
    const last = today.times[today.times.length - 1] ?? 0;
    if (previous !== undefined) longest = Math.max(longest, day * DAY + first - previous);
    longest = Math.max(longest, today.gap);
    previous = day * DAY + last;
  }
  return longest || undefined;
}

const sortedUnique = (values: readonly number[]): number[] => [...new Set(values)].sort((a, b) => a - b);
