import { cell, oneLine, table, type Cell } from '@sre-toolkit/action';
import { TONES } from '@sre-toolkit/discord';
import type { ProbeResult, ProbeStatus } from './probe';
import type { Uptime, WindowName } from './state';

/** A result with what memory adds to it (see health-check.ts). */
type Reported = ProbeResult & {
  readonly maintenance?: string | null;
  readonly history?: Readonly<Record<WindowName, Uptime>>;
};

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
export function reportMarkdown(results: readonly Reported[], links: ReportLinks = {}): string {
  const count = (s: ProbeStatus) => results.filter((r) => r.status === s).length;
  const headline = `### Health probe: ${count('up')} up, ${count('degraded')} degraded, ${count('down')} down`;
  const rows: Cell[][] = results.map((r) => {
    const issue = links.issues?.get(r.name);
    return [
      r.name,
      { md: r.maintenance ? `🔧 maintenance (${r.status})` : `${STATUS_EMOJI[r.status]} ${r.status}` },
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
  const withHistory = results.filter((r) => r.history);
  const history = withHistory.length
    ? [
        '',
        '#### Uptime (maintenance excluded; degraded counts as up, its share in brackets)',
        '',
        table(
          ['target', '24 h', '7 d', '30 d', 'p50 (7 d)', 'p95 (7 d)'],
          withHistory.map((r) => {
            const h = r.history as Record<WindowName, Uptime>;
            return [
              r.name,
              uptimeText(h['24h']),
              uptimeText(h['7d']),
              uptimeText(h['30d']),
              h['7d'].p50_ms === null ? null : `${h['7d'].p50_ms} ms`,
              h['7d'].p95_ms === null ? null : `${h['7d'].p95_ms} ms`,
            ];
          }),
        ),
      ]
    : [];
  return [
    headline,
    '',
    table(['target', 'status', 'url', 'HTTP', 'latency', 'attempts', 'cert days left', 'details'], rows),
    ...history,
    '',
  ].join('\n');
}

/** `99.5% (0.5%)`: up or degraded, with the degraded share; `—` without data. */
export function uptimeText(u: Uptime): string | null {
  if (u.uptime === null) return null;
  return `${u.uptime}%${u.degraded ? ` (${u.degraded}%)` : ''}`;
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
