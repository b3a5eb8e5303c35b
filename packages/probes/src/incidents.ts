import { formatDuration, oneLine } from '@sre-toolkit/action';
import type { ProbeResult } from './probe';

/**
 * Incidents: one GitHub issue per target that is down. Opening one alerts; while it stays open,
 * later runs only update it; the first run that finds the target answering again comments with the
 * downtime, closes it, and sends one recovery message. This file decides; it does no I/O.
 */

/** What the hidden marker of an incident issue remembers between runs. */
export interface IncidentState {
  readonly target: string;
  /** ISO time of the first run that found the target down. */
  readonly since: string;
  /** ISO time of the latest run that found it down. */
  readonly lastDown: string;
  /** Runs that found it down, the first included. */
  readonly downChecks: number;
  readonly lastError: string;
}

export interface OpenIncident {
  readonly number: number;
  readonly url: string;
  /** Undefined when the marker could not be read (edited by hand): the incident starts over from now. */
  readonly state?: IncidentState;
}

export type IncidentAction =
  | { readonly kind: 'open'; readonly result: ProbeResult; readonly state: IncidentState }
  | {
      readonly kind: 'update';
      readonly result: ProbeResult;
      readonly incident: OpenIncident;
      readonly state: IncidentState;
    }
  | {
      readonly kind: 'close';
      readonly result: ProbeResult;
      readonly incident: OpenIncident;
      readonly state: IncidentState;
      readonly downtimeMs: number;
    }
  | { readonly kind: 'none'; readonly result: ProbeResult };

export const incidentKey = (target: string) => `health-probe:${target}`;

/**
 * One action per result. Degraded counts as answering: a slow or soon-expiring target is not an
 * outage, so it neither opens an incident nor keeps one open.
 */
export function planIncidents(
  results: readonly ProbeResult[],
  open: ReadonlyMap<string, OpenIncident>,
  now: Date,
): IncidentAction[] {
  const at = now.toISOString();
  return results.map((result): IncidentAction => {
    const incident = open.get(result.name);
    if (result.status === 'down') {
      const error = result.error ?? 'down';
      if (!incident) {
        return {
          kind: 'open',
          result,
          state: { target: result.name, since: at, lastDown: at, downChecks: 1, lastError: error },
        };
      }
      const previous = incident.state;
      return {
        kind: 'update',
        result,
        incident,
        state: {
          target: result.name,
          since: previous?.since ?? at,
          lastDown: at,
          downChecks: (previous?.downChecks ?? 0) + 1,
          lastError: error,
        },
      };
    }
    if (!incident) return { kind: 'none', result };
    const since = incident.state?.since ?? at;
    return {
      kind: 'close',
      result,
      incident,
      state: incident.state ?? { target: result.name, since, lastDown: at, downChecks: 1, lastError: '' },
      downtimeMs: Math.max(0, now.getTime() - Date.parse(since)),
    };
  });
}

/** Reads a marker's JSON back, trusting nothing in it. */
export function readIncidentState(value: unknown): IncidentState | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.since !== 'string' || Number.isNaN(Date.parse(v.since))) return undefined;
  return {
    target: typeof v.target === 'string' ? v.target : '',
    since: v.since,
    lastDown: typeof v.lastDown === 'string' ? v.lastDown : v.since,
    downChecks: typeof v.downChecks === 'number' && v.downChecks > 0 ? Math.floor(v.downChecks) : 1,
    lastError: typeof v.lastError === 'string' ? v.lastError : '',
  };
}

export interface IncidentContext {
  readonly repository: string;
  readonly runUrl: string;
  readonly workflow: string;
}

export function incidentTitle(target: string): string {
  return `🔴 ${target} is down`;
}

/** The issue body: what failed, since when, and the latest failing result. */
export function incidentBody(result: ProbeResult, state: IncidentState, ctx: IncidentContext): string {
  const checks = `${state.downChecks} run${state.downChecks === 1 ? '' : 's'}`;
  return [
    `**${result.name}** is down: ${code(result.error ?? 'down')}`,
    '',
    `- URL: ${code(result.url)}`,
    `- Down since: ${utc(state.since)} (found down by ${checks})`,
    `- Latest check: ${utc(state.lastDown)}, [workflow run](${ctx.runUrl})`,
    '',
    '| HTTP status | response time | attempts | certificate days left |',
    '| --- | --- | --- | --- |',
    `| ${result.http_status ?? '—'} | ${result.response_ms === null ? '—' : `${result.response_ms} ms`} | ${result.attempts} | ${result.cert_days_left ?? '—'} |`,
    '',
    `This issue was opened by the health-probe action${ctx.workflow ? ` in ${code(ctx.workflow)}` : ''} and is kept up to date while the target stays down. It is closed automatically, with a comment, when the target answers again.`,
  ].join('\n');
}

export function recoveryComment(
  result: ProbeResult,
  state: IncidentState,
  downtimeMs: number,
  ctx: IncidentContext,
): string {
  const how =
    result.status === 'degraded' ? `answering again, degraded: ${code(result.error ?? '')}` : 'up again';
  return [
    `✅ **${result.name}** is ${how}, after ${formatDuration(downtimeMs)} of downtime.`,
    '',
    `- Down since: ${utc(state.since)}`,
    `- Found down by ${state.downChecks} run${state.downChecks === 1 ? '' : 's'}; last error: ${code(state.lastError || 'unknown')}`,
    `- Recovered: HTTP ${result.http_status ?? '—'} in ${result.response_ms ?? '—'} ms, [workflow run](${ctx.runUrl})`,
  ].join('\n');
}

/** Inline code that survives backticks, line breaks and invisible characters in server-supplied text. */
function code(text: string): string {
  return `\`${oneLine(text).replace(/`/g, 'ˋ').replace(/\s+/g, ' ')}\``;
}

/** `2026-11-28 05:24:07 UTC` */
function utc(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}
