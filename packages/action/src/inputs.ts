import * as z from 'zod/mini';
import { formatDuration, parseDuration } from './durations';
import type { SecretRule } from './secrets';

/**
 * One action input: the schema that turns its text into a value, and the default the runner applies
 * when a workflow leaves it out (the same string `action.yml` declares; a test keeps them equal).
 */
export interface InputSpec<T> {
  readonly default: string;
  readonly schema: z.ZodMiniType<T, string>;
  /** Where the input's text hides secrets; registered with the runner before any rule runs. */
  readonly secret?: SecretRule;
}

export type InputSchema = Record<string, InputSpec<unknown>>;
export type InputValues<S extends InputSchema> = {
  [K in keyof S]: S[K] extends InputSpec<infer T> ? T : never;
};

export interface InputError {
  readonly input: string;
  readonly message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: InputError[] };

export function input<T>(
  schema: z.ZodMiniType<T, string>,
  defaultValue = '',
  options: { readonly secret?: SecretRule } = {},
): InputSpec<T> {
  return { default: defaultValue, schema, ...(options.secret ? { secret: options.secret } : {}) };
}

/** A parser for one input's text: a value, or the rule it broke (written for the workflow author). */
export type TextRule<T> = (text: string) => { value: T } | { error: string };

/**
 * The input's zod/mini schema: one transform that applies the rule. Input text is always a string
 * (parseInputs reads it so), so no `z.string()` check precedes it: a pipe of the two cost every run
 * three schemas per input to build and two to run, at start-up (issue #16).
 */
export function rule<T>(parse: TextRule<T>): z.ZodMiniType<T, string> {
  return z.transform((text: string, ctx) => {
    const result = parse(text);
    if ('error' in result) {
      ctx.issues.push({ code: 'custom', message: result.error, input: text });
      return z.NEVER;
    }
    return result.value;
  });
}

const quote = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

export const text = () => rule((t) => ({ value: t }));

export const bool = () =>
  rule<boolean>((t) => {
    if (/^(true|True|TRUE|yes)$/.test(t)) return { value: true };
    if (/^(false|False|FALSE|no)$/.test(t)) return { value: false };
    return { error: `must be true or false, got ${quote(t)}` };
  });

/** The longest wait any input may ask for: a job runs at most 6 hours, and Node's timers overflow past 24.8 days. */
export const MAX_WAIT_MS = 6 * 3_600_000;
/** The longest look-back window (history, not a timer). */
export const MAX_WINDOW_MS = 400 * 86_400_000;

/**
 * A duration from 1 ms up to `max` (default 400 days, for look-back windows): a larger one is
 * refused with the rule. `zero: true` allows `0s`.
 */
export const duration = (options: { readonly max?: number; readonly zero?: boolean } = {}) =>
  rule<number>((t) => {
    const max = options.max ?? MAX_WINDOW_MS;
    const ms = options.zero && /^0+(ms|s|m|h|d)?$/.test(t.trim()) ? 0 : parseDuration(t);
    if (ms === undefined || ms < 0 || (ms === 0 && !options.zero)) {
      return { error: `must be a duration like 500ms, 30s, 15m, 24h or 14d, got ${quote(t)}` };
    }
    if (ms > max) return { error: `must be at most ${formatDuration(max)}, got ${quote(t)}` };
    return { value: ms };
  });

/**
 * A duration a timer waits for (timeouts, retry delays, budgets): at most 6h, the job limit, so it
 * can never overflow Node's timers (which then fire at once) or outlive the job.
 */
export const wait = (options: { readonly zero?: boolean } = {}) => duration({ max: MAX_WAIT_MS, ...options });

export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  rule<number>((t) => {
    if (!/^-?\d+$/.test(t) || Number(t) < min || Number(t) > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
      return { error: `must be a whole number ${range}, got ${quote(t)}` };
    }
    return { value: Number(t) };
  });

export const number = (min: number, max: number) =>
  rule<number>((t) => {
    const n = Number(t);
    if (t === '' || !Number.isFinite(n) || n < min || n > max) {
      return { error: `must be a number from ${min} to ${max}, got ${quote(t)}` };
    }
    return { value: n };
  });

export const choice = <T extends string>(options: readonly T[]) =>
  rule<T>((t) =>
    (options as readonly string[]).includes(t)
      ? { value: t as T }
      : { error: `must be one of ${options.join(', ')}; got ${quote(t)}` },
  );

/** Items separated by new lines or commas, blank ones dropped. */
export function splitList(t: string): string[] {
  return t
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const list = () => rule<string[]>((t) => ({ value: splitList(t) }));

export const choices = <T extends string>(options: readonly T[]) =>
  rule<T[]>((t) => {
    const items = splitList(t);
    const bad = items.filter((i) => !(options as readonly string[]).includes(i));
    if (bad.length)
      return { error: `may only list ${options.join(', ')}; ${quote(bad.join(', '))} is not one` };
    return { value: items as T[] };
  });

/** Where inputs come from: the runner (through a Runtime) in production, a map in tests. */
export interface InputSource {
  input(name: string): string;
  setSecret(value: string): void;
}

/**
 * Registers the secrets of every input that declares them, then reads every input of a schema
 * (the runner's INPUT_ variables in production), applies defaults to blank inputs, and collects
 * one error per bad input. Secrets go first so that no rule, error or log line can print one.
 */
export function parseInputs<S extends InputSchema>(
  schema: S,
  source: InputSource | ((name: string) => string),
): Parsed<InputValues<S>> {
  const read = typeof source === 'function' ? source : (name: string) => source.input(name);
  if (typeof source !== 'function') {
    for (const [name, spec] of Object.entries(schema)) {
      if (spec.secret) for (const value of spec.secret(read(name))) source.setSecret(value);
    }
  }
  const values: Record<string, unknown> = {};
  const errors: InputError[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    const raw = read(name).trim();
    const result = z.safeParse(spec.schema, raw === '' ? spec.default : raw);
    if (result.success) values[name] = result.data;
    else errors.push({ input: name, message: result.error.issues[0]?.message ?? 'is not valid' });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: values as InputValues<S> };
}

export function formatInputError(error: InputError): string {
  return `Input "${error.input}" ${error.message}`;
}

/** An optional http(s) URL; blank stays blank. */
export const optionalUrl = () =>
  rule<string>((t) =>
    !t || /^https?:\/\/[^\s/]+\S*$/.test(t) ? { value: t } : { error: 'must be an http:// or https:// URL' },
  );

/** Like `choice`, ignoring case (`${{ job.status }}` is lower case, people type `Failure`). */
export const choiceIgnoringCase = <T extends string>(options: readonly T[]) =>
  rule<T>((t) => {
    const found = options.find((o) => o.toLowerCase() === t.toLowerCase());
    return found ? { value: found } : { error: `must be one of ${options.join(', ')}; got ${quote(t)}` };
  });

/** Text of at most `max` characters. */
export const shortText = (max: number) =>
  rule<string>((t) =>
    t.length > max ? { error: `must be at most ${max} characters, got ${t.length}` } : { value: t },
  );
