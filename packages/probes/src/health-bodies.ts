import { oneLine } from '@sre-toolkit/action';
import { clip, valueAtPath } from './expectations';

/**
 * Health bodies that declare their own verdict, judged as their formats define them:
 * - Spring Boot Actuator: `status` UP, DOWN, OUT_OF_SERVICE, UNKNOWN or a custom status;
 *   components under `components` (2.2+) or `details` (2.0-2.1), nested.
 * - `application/health+json` (draft-inadvisable-health-check): `pass` (aliases `ok`, `up`), `warn`,
 *   `fail` (aliases `error`, `down`), case-insensitive; components under `checks`, each a list.
 * - ASP.NET Core: `Healthy`, `Degraded`, `Unhealthy` as text, or as `status` with `entries` (UI writer).
 * - Kubernetes `/readyz?verbose`, `/livez?verbose`: lines `[-]etcd failed: reason withheld`.
 * - Consul `/v1/agent/health/service/...`: a list of `{AggregatedStatus, Checks: [{Name, Status}]}`.
 * Pure; nothing here throws on hostile input, and nothing quoted from the body leaves unclipped.
 */

export type BodyVerdict = { readonly status: 'down' | 'degraded'; readonly reason: string };

const HEALTH_JSON = /^application\/health\+json/i;

/** health+json's vocabulary with the draft's aliases; lower case. */
const HEALTH_JSON_STATUS: Record<string, 'pass' | 'warn' | 'fail'> = {
  pass: 'pass',
  ok: 'pass',
  up: 'pass',
  warn: 'warn',
  fail: 'fail',
  error: 'fail',
  down: 'fail',
};

/**
 * Statuses any JSON health body may declare, whatever its content type (Spring and ASP.NET serve
 * `application/json`, and many health+json services do too). Lower case. `error` is left out: on a
 * plain JSON API it is as likely a field value as a verdict.
 */
const DOWN_STATUSES = new Set(['down', 'out_of_service', 'unhealthy', 'fail', 'critical']);
const DEGRADED_STATUSES = new Set(['warn', 'warning', 'degraded']);

/** The verdict a body declares about itself, or undefined when it declares none (or says it is fine). */
export function declaredVerdict(contentType: string, body: string, doc: unknown): BodyVerdict | undefined {
  if (doc === undefined) {
    // ASP.NET Core's default writer: the status alone, as text.
    const text = body.trim();
    if (text === 'Unhealthy') return { status: 'down', reason: 'health check says Unhealthy' };
    if (text === 'Degraded') return { status: 'degraded', reason: 'health check says Degraded' };
    return undefined;
  }
  const status = topStatus(doc);
  if (status === undefined) return undefined;
  const lower = status.toLowerCase();
  if (HEALTH_JSON.test(contentType)) {
    const verdict = HEALTH_JSON_STATUS[lower];
    const said = `health check says ${shown(status)} (application/health+json status)`;
    if (verdict === 'fail') return { status: 'down', reason: said };
    if (verdict === 'warn') return { status: 'degraded', reason: said };
    return undefined;
  }
  if (DOWN_STATUSES.has(lower)) return { status: 'down', reason: `health check says ${shown(status)}` };
  if (DEGRADED_STATUSES.has(lower))
    return { status: 'degraded', reason: `health check says ${shown(status)}` };
  return undefined;
}

/** `status` of an object body, or Consul's `AggregatedStatus` of the first service of a list. */
function topStatus(doc: unknown): string | undefined {
  if (Array.isArray(doc)) {
    const first: unknown = doc[0];
    const agg =
      first && typeof first === 'object' ? (first as Record<string, unknown>).AggregatedStatus : undefined;
    return typeof agg === 'string' ? agg : undefined;
  }
  const at = valueAtPath(doc, 'status');
  return at.found && typeof at.value === 'string' ? at.value : undefined;
}

const HEALTHY = new Set(['up', 'pass', 'ok', 'healthy', 'passing', 'unknown']);

/** At most this many components are named; the rest are counted. */
const MAX_NAMED = 3;
/** Components deeper than this are not looked at (Spring nests, a hostile body could nest forever). */
const MAX_DEPTH = 6;

/**
 * The components a body says are not healthy, as "db is DOWN", deepest first named
 * (`broker/us1 is DOWN`), for the message of a down target. Empty when the body names none.
 */
export function failingComponents(body: string, doc: unknown): string[] {
  const found: string[] = [];
  if (doc === undefined) {
    // Kubernetes verbose health: `[-]etcd failed: reason withheld`. Line by line, no backtracking.
    for (const line of body.split('\n', 200)) {
      if (!line.startsWith('[-]')) continue;
      const name = line.slice(3).split(' ', 1)[0] ?? '';
      if (name) found.push(`${shown(name)} failed`);
    }
  } else if (Array.isArray(doc)) {
    for (const service of doc.slice(0, 20)) {
      const checks =
        service && typeof service === 'object' ? (service as Record<string, unknown>).Checks : undefined;
      if (!Array.isArray(checks)) continue;
      for (const c of checks.slice(0, 50)) {
        if (!c || typeof c !== 'object') continue;
        const { Name, Status } = c as Record<string, unknown>;
        if (typeof Name === 'string' && typeof Status === 'string' && !HEALTHY.has(Status.toLowerCase()))
          found.push(`${shown(Name)} is ${shown(Status)}`);
      }
    }
  } else if (doc && typeof doc === 'object') {
    const root = doc as Record<string, unknown>;
    walkComponents(root.components ?? root.details ?? root.entries, '', 0, found);
    const checks = root.checks;
    if (checks && typeof checks === 'object' && !Array.isArray(checks)) {
      for (const [name, list] of Object.entries(checks as Record<string, unknown>).slice(0, 100)) {
        const items = Array.isArray(list) ? list : [list];
        const bad = items.find((i) => isUnhealthy(statusOf(i)));
        const s = statusOf(bad);
        if (s !== undefined) found.push(`${shown(name)} is ${shown(s)}`);
      }
    }
  }
  if (found.length <= MAX_NAMED) return found;
  return [...found.slice(0, MAX_NAMED), `${found.length - MAX_NAMED} more`];
}

function walkComponents(node: unknown, prefix: string, depth: number, out: string[]): void {
  if (!node || typeof node !== 'object' || Array.isArray(node) || depth > MAX_DEPTH) return;
  for (const [name, value] of Object.entries(node as Record<string, unknown>).slice(0, 100)) {
    const status = statusOf(value);
    if (status === undefined) continue;
    const path = prefix ? `${prefix}/${name}` : name;
    const v = value as Record<string, unknown>;
    const before = out.length;
    walkComponents(v.components ?? v.details, path, depth + 1, out);
    // A composite is named only when none of its parts says why it is down.
    if (out.length === before && isUnhealthy(status)) out.push(`${shown(path)} is ${shown(status)}`);
  }
}

function statusOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const s = (value as Record<string, unknown>).status;
  return typeof s === 'string' ? s : undefined;
}

const isUnhealthy = (status: string | undefined) =>
  status !== undefined && !HEALTHY.has(status.toLowerCase());

/** Text from the body: one line, no invisible characters, short. */
const shown = (text: string) => clip(oneLine(text).trim(), 60);
