import { formatDuration, oneLine } from '@sre-toolkit/action';
import { embedTitle, escapeMarkdown, inlineCode, TONES, type Embed } from '@sre-toolkit/discord';
import type { IncidentState } from './incidents';
import type { ProbeResult } from './probe';

/** Discord embeds: one per target that went down or recovered. */

export interface EmbedContext {
  readonly repository: string;
  readonly runUrl: string;
}

/** Text that may come from a response body (or an issue marker anyone can edit): one line, escaped. */
const safe = (text: string) => escapeMarkdown(oneLine(text));

/** Titles render no links; one line and no pings is what they need (escaping would show backslashes). */
const title = embedTitle;

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
    title: title(`${TONES.failure.emoji} ${r.name} is down: ${r.error ?? 'no answer'}`),
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
    title: title(
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
