import { cell, oneLine, table, type Cell } from '@sre-toolkit/action';
import { TONES } from '@sre-toolkit/discord';
import type { ProbeResult, ProbeStatus } from './probe';

/** The job summary (and `report` output), and the log's line per target. */

export const STATUS_EMOJI: Record<ProbeStatus, string> = {
  up: TONES.success.emoji,
  degraded: TONES.warning.emoji,
  down: TONES.failure.emoji,
};

export interface ReportLinks {
  /** Incident issue per target name, when one is open (or was just closed). */
  readonly issues?: ReadonlyMap<string, { number: number; url: string }>;
}

/** The job summary (and `report` output): one line of counts, then a row per target. */
export function reportMarkdown(results: readonly ProbeResult[], links: ReportLinks = {}): string {
  const count = (s: ProbeStatus) => results.filter((r) => r.status === s).length;
  const headline = `### Health probe: ${count('up')} up, ${count('degraded')} degraded, ${count('down')} down`;
  const rows: Cell[][] = results.map((r) => {
    const issue = links.issues?.get(r.name);
    return [
      r.name,
      { md: `${STATUS_EMOJI[r.status]} ${r.status}` },
      { md: `\`${r.url.replace(/`/g, '%60').replace(/\|/g, '%7C')}\`` },
      r.http_status,
      r.response_ms === null ? null : `${r.response_ms} ms`,
      r.attempts,
      r.cert_days_left,
      issue
        ? { md: `${r.error ? `${cell(oneLine(r.error))} ` : ''}([#${issue.number}](${issue.url}))` }
        : r.error && oneLine(r.error),
    ];
  });
  return [
    headline,
    '',
    table(['target', 'status', 'url', 'HTTP', 'latency', 'attempts', 'cert days left', 'details'], rows),
    '',
  ].join('\n');
}

/** One line per target for the log; `error` may quote the response, so the line is made one line again. */
export function resultLine(r: ProbeResult): string {
  const parts = [
    `${STATUS_EMOJI[r.status]} ${r.name}: ${r.status}`,
    r.http_status === null ? '' : `HTTP ${r.http_status}`,
    r.response_ms === null ? '' : `${r.response_ms} ms`,
    `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`,
    r.cert_days_left === null ? '' : `certificate ${r.cert_days_left} days left`,
  ].filter(Boolean);
  return oneLine(`${parts.join(', ')}${r.error ? ` — ${r.error}` : ''} (${r.url})`);
}
