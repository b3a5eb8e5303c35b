import { parseDuration, type InputError } from '@sre-toolkit/action';
import type { YAMLError } from 'yaml';
import { loadYaml, yamlParser } from './yaml-parser';
import {
  DEFAULT_EXPECT_STATUS,
  parseJsonExpectations,
  parseStatusExpectation,
  parseTextExpectation,
  parseDegradedWhen,
  type DegradedWhen,
  type JsonExpectation,
  type StatusExpectation,
  type TextExpectation,
} from './expectations';
import { maskUrl, plainUrlLines, targetsTextSecrets } from './masking';

/**
 * Loads the `yaml` library when health-probe's inputs need it, read raw (`input` is
 * `Runtime.input`): a `config` file, `maintenance` windows, or `targets` that are not one URL per
 * line (YAML, or empty so that `config` gives them). Returns whether it did. These are exactly
 * the texts `parseTargets`, `targetsTextSecrets` and `parseMaintenance` hand to the parser.
 */
export async function loadYamlFor(input: (name: string) => string): Promise<boolean> {
  const needed =
    !plainUrlLines(input('targets')) || !!input('config').trim() || !!input('maintenance').trim();
  if (needed) await loadYaml();
  return needed;
}

/** Settings every target inherits unless it sets its own. */
export interface TargetDefaults {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly certExpiryDays: number;
}

/** One endpoint to probe, with everything resolved. */
export interface Target {
  readonly name: string;
  readonly url: string;
  /** The URL as it may be shown: credentials and secret query values replaced by `***`. */
  readonly displayUrl: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly expectStatus: StatusExpectation;
  readonly expectJson: readonly JsonExpectation[];
  readonly expectText?: TextExpectation;
  readonly maxResponseMs?: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly certExpiryDays: number;
  /** Conditions under which an answer is degraded rather than up or down (`degraded-when`). */
  readonly degradedWhen?: DegradedWhen;
  /** `critical: true`: its outage is SEV1 (the runbook's "target marked critical"), else SEV2. */
  readonly critical?: boolean;
}

const KEYS = new Set([
  'name',
  'url',
  'method',
  'headers',
  'body',
  'expect-status',
  'expect-json',
  'expect-text',
  'max-response-ms',
  'timeout',
  'retries',
  'retry-delay',
  'cert-expiry-days',
  'degraded-when',
  'critical',
]);

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export type TargetsParse = { value: Target[] } | { errors: InputError[] };

/**
 * Reads targets from the `targets` input (a YAML list, or one URL per line) and from the YAML
 * file named by `config` (a list, or a map with a `targets` list). Both may be used together.
 * The config file's secrets go to `setSecret` as soon as it is read, before anything can print
 * them (the `targets` input declares its own, see `targetsTextSecrets`).
 */
export function parseTargets(
  sources: { readonly targets: string; readonly config: string },
  defaults: TargetDefaults,
  readFile: (path: string) => string,
  setSecret: (value: string) => void = () => undefined,
): TargetsParse {
  const errors: InputError[] = [];
  const raw: { input: string; item: unknown; index: number }[] = [];
  if (sources.targets.trim()) {
    const items = readTargetsText(sources.targets);
    if ('error' in items) errors.push({ input: 'targets', message: items.error });
    else items.value.forEach((item, index) => raw.push({ input: 'targets', item, index }));
  }
  if (sources.config.trim()) {
    let text: string | undefined;
    try {
      text = readFile(sources.config.trim());
    } catch (error) {
      const code = (error as { code?: string }).code;
      errors.push({
        input: 'config',
        message:
          code === 'ENOENT'
            ? `names ${JSON.stringify(sources.config.trim())}, which does not exist (paths are relative to the workspace; check out the repository first)`
            : `names a file that could not be read (${code ?? (error as Error).message})`,
      });
    }
    if (text !== undefined) {
      for (const value of targetsTextSecrets(text)) setSecret(value);
      const items = readConfigText(text);
      if ('error' in items) errors.push({ input: 'config', message: items.error });
      else items.value.forEach((item, index) => raw.push({ input: 'config', item, index }));
    }
  }
  if (!errors.length && !raw.length) {
    errors.push({ input: 'targets', message: 'is required (or config): list at least one URL to probe' });
  }
  const targets: Target[] = [];
  for (const { input, item, index } of raw) {
    const t = readTarget(item, defaults);
    if ('error' in t) errors.push({ input, message: `item ${index + 1}: ${t.error}` });
    else targets.push(t.value);
  }
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t.name)) {
      errors.push({
        input: 'targets',
        message: `has two targets named ${JSON.stringify(t.name)}; names must be unique (they key the incident issues)`,
      });
    }
    seen.add(t.name);
  }
  return errors.length ? { errors } : { value: targets };
}

function readTargetsText(text: string): { value: unknown[] } | { error: string } {
  // Shorthand: one URL per line. YAML would read that as one long string.
  const lines = plainUrlLines(text);
  if (lines) return { value: lines };
  const doc = readYaml(text);
  if ('error' in doc) return { error: `is not valid YAML ${doc.error}` };
  let list = doc.value;
  if (list && typeof list === 'object' && !Array.isArray(list) && 'targets' in list) {
    list = (list as { targets: unknown }).targets;
  }
  if (!Array.isArray(list)) {
    return {
      error: 'must be a YAML list of targets (`- name: api` / `  url: https://…`) or one URL per line',
    };
  }
  return { value: list };
}

function readConfigText(text: string): { value: unknown[] } | { error: string } {
  const parsed = readYaml(text);
  if ('error' in parsed) return { error: `names a file that is not valid YAML ${parsed.error}` };
  const doc = parsed.value;
  const list =
    doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as { targets?: unknown }).targets : doc;
  if (!Array.isArray(list)) {
    return { error: 'names a file without a `targets:` list' };
  }
  return { value: list };
}

function readTarget(item: unknown, defaults: TargetDefaults): { value: Target } | { error: string } {
  if (typeof item !== 'string' && !(item && typeof item === 'object' && !Array.isArray(item))) {
    return { error: 'must be a URL or a map with at least `url`' };
  }
  const spec: Record<string, unknown> =
    typeof item === 'string' ? { url: item } : (item as Record<string, unknown>);
  const unknownKeys = Object.keys(spec).filter((k) => !KEYS.has(k));
  if (unknownKeys.length) {
    return {
      error: `has unknown key${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}; known keys: ${[...KEYS].join(', ')}`,
    };
  }
  if (typeof spec.url !== 'string' || !spec.url.trim()) return { error: 'needs a `url`' };
  const url = spec.url.trim();
  // The url is never quoted in an error: whatever could not be parsed may hold a token.
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    return { error: 'has a url that is not a valid URL (it is not repeated here: it may hold a secret)' };
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') {
    const scheme = /^[a-z][a-z0-9+.-]{0,10}:$/i.test(parsedUrl.protocol) ? `a ${parsedUrl.protocol}//` : 'an';
    return { error: `has ${scheme} url; only http:// and https:// can be probed` };
  }
  const displayUrl = maskUrl(url);
  const name = spec.name === undefined ? defaultName(parsedUrl) : String(spec.name).trim();
  if (!name) return { error: 'has an empty name' };
  const label = `${JSON.stringify(name)}`;
  const fail = (message: string) => ({ error: `(${label}) ${message}` });

  const method = spec.method === undefined ? 'GET' : String(spec.method).trim().toUpperCase();
  if (!METHODS.has(method)) return fail(`method must be one of ${[...METHODS].join(', ')}, got ${method}`);

  const headers: Record<string, string> = {};
  if (spec.headers !== undefined && spec.headers !== null) {
    if (typeof spec.headers !== 'object' || Array.isArray(spec.headers)) {
      return fail('headers must be a map of header names to values');
    }
    for (const [k, v] of Object.entries(spec.headers as Record<string, unknown>)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k))
        return fail(`header name ${JSON.stringify(k)} is not valid`);
      if (v === null || typeof v === 'object') return fail(`header ${k} must have a text value`);
      // The value is never repeated: it may be a secret.
      if (/[\r\n]/.test(String(v))) return fail(`header ${k} has a line break in its value`);
      headers[k] = String(v);
    }
  }
  let body: string | undefined;
  if (spec.body !== undefined && spec.body !== null) {
    body = typeof spec.body === 'object' ? JSON.stringify(spec.body) : String(spec.body);
    if (
      typeof spec.body === 'object' &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
    ) {
      headers['content-type'] = 'application/json';
    }
  }

  const status =
    spec['expect-status'] === undefined || spec['expect-status'] === null
      ? { value: DEFAULT_EXPECT_STATUS }
      : parseStatusExpectation(spec['expect-status']);
  if ('error' in status) return fail(`expect-status ${status.error}`);
  const json = parseJsonExpectations(spec['expect-json']);
  if ('error' in json) return fail(`expect-json ${json.error}`);
  let expectText: TextExpectation | undefined;
  if (spec['expect-text'] !== undefined && spec['expect-text'] !== null && spec['expect-text'] !== '') {
    const t = parseTextExpectation(String(spec['expect-text']));
    if ('error' in t) return fail(`expect-text ${t.error}`);
    expectText = t.value;
  }
  let maxResponseMs: number | undefined;
  if (spec['max-response-ms'] !== undefined && spec['max-response-ms'] !== null) {
    const n = Number(spec['max-response-ms']);
    if (!Number.isInteger(n) || n <= 0) {
      return fail(
        `max-response-ms must be a whole number of milliseconds, got ${JSON.stringify(spec['max-response-ms'])}`,
      );
    }
    maxResponseMs = n;
  }
  const timeout = durationOf(spec.timeout, defaults.timeoutMs);
  if (timeout === undefined) return fail(`timeout must be a duration like 500ms, 10s or 1m`);
  const retryDelay = durationOf(spec['retry-delay'], defaults.retryDelayMs, true);
  if (retryDelay === undefined) return fail(`retry-delay must be a duration like 500ms or 1s`);
  const retries = wholeOf(spec.retries, defaults.retries, 10);
  if (retries === undefined) return fail('retries must be a whole number from 0 to 10');
  const certDays = wholeOf(spec['cert-expiry-days'], defaults.certExpiryDays, 3650);
  if (certDays === undefined) return fail('cert-expiry-days must be a whole number of days');
  const degradedWhen = parseDegradedWhen(spec['degraded-when']);
  if ('error' in degradedWhen) return fail(`degraded-when ${degradedWhen.error}`);
  if (spec.critical !== undefined && typeof spec.critical !== 'boolean')
    return fail('critical must be true or false');

  return {
    value: {
      name,
      url,
      displayUrl,
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      expectStatus: status.value,
      expectJson: json.value,
      ...(expectText ? { expectText } : {}),
      ...(maxResponseMs !== undefined ? { maxResponseMs } : {}),
      timeoutMs: timeout,
      retries,
      retryDelayMs: retryDelay,
      certExpiryDays: certDays,
      ...(degradedWhen.value ? { degradedWhen: degradedWhen.value } : {}),
      ...(spec.critical === true ? { critical: true } : {}),
    },
  };
}

/** `api.example.com/health`: readable, and stable as long as the URL is. */
function defaultName(url: URL): string {
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.host}${path}`;
}

/** A duration in YAML: `10s`, `500ms`, or a bare number of seconds (`timeout: 5`). */
function durationOf(value: unknown, fallback: number, allowZero = false): number | undefined {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'number') return value > 0 || (allowZero && value === 0) ? value * 1000 : undefined;
  const text = String(value).trim();
  if (allowZero && /^0+(ms|s)?$/.test(text)) return 0;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const ms = parseDuration(text);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

function wholeOf(value: unknown, fallback: number, max: number): number | undefined {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

/**
 * YAML, or where and what its first error is, without the source text: the yaml library quotes the
 * offending line, which may be the header value or URL holding a secret.
 */
function readYaml(text: string): { value: unknown } | { error: string } {
  const doc = yamlParser().parseDocument(text, { prettyErrors: true });
  const first: YAMLError | undefined = doc.errors[0];
  if (first) {
    const at = first.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}: ` : '';
    return { error: `(${where}${first.code.toLowerCase().replace(/_/g, ' ')})` };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return {
      error: `(${(error as Error).name === 'ReferenceError' ? 'unresolved alias' : 'too many aliases'})`,
    };
  }
}
