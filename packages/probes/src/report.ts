import { formatDuration, table, type Cell } from '@sre-toolkit/action';
import {
  escapeMarkdown,
  inlineCode,
  neutralizeMentions,
  TONES,
  type WebhookMessage,
} from '@sre-toolkit/discord';
import type { IncidentState } from './incidents';
import type { ProbeResult, ProbeStatus } from './probe';

/** discord-api-types belongs to the discord package; its embed type reaches us through WebhookMessage. */
export type Embed = NonNullable<WebhookMessage['embeds']>[number];

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
      issue ? { md: `${r.error ? `${cellText(r.error)} ` : ''}([#${issue.number}](${issue.url}))` } : r.error,
    ];
  });
  return [
    headline,
    '',
    table(['target', 'status', 'url', 'HTTP', 'latency', 'attempts', 'cert days left', 'details'], rows),
    '',
  ].join('\n');
}

function cellText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

/** One line per target for the log. */
export function resultLine(r: ProbeResult): string {
  const parts = [
    `${STATUS_EMOJI[r.status]} ${r.name}: ${r.status}`,
    r.http_status === null ? '' : `HTTP ${r.http_status}`,
    r.response_ms === null ? '' : `${r.response_ms} ms`,
    `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`,
    r.cert_days_left === null ? '' : `certificate ${r.cert_days_left} days left`,
  ].filter(Boolean);
  return `${parts.join(', ')}${r.error ? ` — ${r.error}` : ''} (${r.url})`;
}

export interface EmbedContext {
  readonly repository: string;
  readonly runUrl: string;
}

const safe = (text: string) => escapeMarkdown(text);

function commonFields(r: ProbeResult) {
  return [
    {
      name: 'HTTP status',
      value: r.http_status === null ? 'no response' : String(r.http_status),
      inline: true,
    },
    { name: 'Response time', value: r.response_ms === null ? '—' : `${r.response_ms} ms`, inline: true },
    { name: 'Attempts', value: String(r.attempts), inline: true },
  ];
}

/** "❌ api is down: connection refused", linking to the incident issue (or the run). */
export function downEmbed(r: ProbeResult, ctx: EmbedContext, issue?: { number: number; url: string }): Embed {
  return {
    title: neutralizeMentions(`${TONES.failure.emoji} ${r.name} is down: ${r.error ?? 'no answer'}`),
    url: issue?.url ?? ctx.runUrl,
    color: TONES.failure.color,
    description: `${inlineCode(r.url)}\n${safe(r.error ?? '')}`,
    fields: [
      ...commonFields(r),
      ...(r.cert_days_left !== null
        ? [{ name: 'Certificate', value: `${r.cert_days_left} days left`, inline: true }]
        : []),
      ...(issue ? [{ name: 'Incident', value: `[#${issue.number}](${issue.url})`, inline: true }] : []),
      { name: 'Run', value: `[${safe(ctx.repository || 'workflow run')}](${ctx.runUrl})`, inline: true },
    ],
  };
}

/** "✅ api is up again after 12m". */
export function recoveryEmbed(
  r: ProbeResult,
  state: IncidentState,
  downtimeMs: number,
  ctx: EmbedContext,
  issue: { number: number; url: string },
): Embed {
  const degraded = r.status === 'degraded';
  return {
    title: neutralizeMentions(
      `${TONES.success.emoji} ${r.name} is up again after ${formatDuration(downtimeMs)}${degraded ? ' (degraded)' : ''}`,
    ),
    url: issue.url,
    color: TONES.success.color,
    description: `${inlineCode(r.url)}${degraded ? `\n${safe(r.error ?? '')}` : ''}`,
    fields: [
      ...commonFields(r),
      { name: 'Downtime', value: formatDuration(downtimeMs), inline: true },
      { name: 'Last error', value: safe(state.lastError || 'unknown'), inline: false },
      { name: 'Incident', value: `[#${issue.number}](${issue.url}) closed`, inline: true },
      { name: 'Run', value: `[${safe(ctx.repository || 'workflow run')}](${ctx.runUrl})`, inline: true },
    ],
  };
}
