import { formatDuration, oneLine } from '@sre-toolkit/action';
import { embedTitle, escapeMarkdown, inlineCode, TONES, type Embed } from '@sre-toolkit/discord';
import type { IncidentState } from './incidents';
import type { ProbeResult } from './probe';
import type { Outage, Uptime } from './state';

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
  issue?: { number: number; url: string },
  week?: Uptime,
): Embed {
  const degraded = r.status === 'degraded';
  return {
    title: title(
      `${TONES.success.emoji} ${r.name} is up again after ${formatDuration(downtimeMs)}${degraded ? ' (degraded)' : ''}`,
    ),
    url: issue?.url ?? ctx.runUrl,
    color: TONES.success.color,
    description: `${inlineCode(r.url)}${degraded ? `\n${safe(r.error ?? '')}` : ''}`,
    fields: [
      ...commonFields(r),
      { name: 'Downtime', value: formatDuration(downtimeMs), inline: true },
      { name: 'Last error', value: safe(state.lastError || 'unknown'), inline: false },
      ...(issue
        ? [{ name: 'Incident', value: `[#${issue.number}](${issue.url}) closed`, inline: true }]
        : []),
      ...weekField(week),
      { name: 'Run', value: `[${safe(ctx.repository || 'workflow run')}](${ctx.runUrl})`, inline: true },
    ],
  };
}

/** "🔴 api still down, for 4h 12m; last error …": while an incident stays open, every `remind-every`. */
export function reminderEmbed(
  r: ProbeResult,
  outage: Outage,
  now: Date,
  ctx: EmbedContext,
  week?: Uptime,
  issue?: { number: number; url: string },
): Embed {
  const downFor = formatDuration(Math.max(0, now.getTime() - Date.parse(outage.since)));
  return {
    title: title(`🔴 ${r.name} still down, for ${downFor}; last error: ${r.error ?? 'no answer'}`),
    url: issue?.url ?? ctx.runUrl,
    color: TONES.failure.color,
    description: `${inlineCode(r.url)}\n${safe(r.error ?? '')}`,
    fields: [
      ...commonFields(r),
      { name: 'Down for', value: downFor, inline: true },
      ...(issue ? [{ name: 'Incident', value: `[#${issue.number}](${issue.url})`, inline: true }] : []),
      ...weekField(week),
      { name: 'Run', value: `[${safe(ctx.repository || 'workflow run')}](${ctx.runUrl})`, inline: true },
    ],
  };
}

/** "⚠️ api's certificate expires in 6 days (2026-12-08)": once per threshold crossed. */
export function certEmbed(r: ProbeResult, ctx: EmbedContext): Embed {
  const days = r.cert_days_left ?? 0;
  const when = days <= 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`;
  return {
    title: title(`${TONES.warning.emoji} ${r.name}: certificate expires ${when}`),
    url: ctx.runUrl,
    color: TONES.warning.color,
    description: `${inlineCode(r.url)}\n${safe(r.error ?? '')}`,
    fields: [
      { name: 'Certificate', value: `${days} days left`, inline: true },
      { name: 'Run', value: `[${safe(ctx.repository || 'workflow run')}](${ctx.runUrl})`, inline: true },
    ],
  };
}

/** The comment that closes the incident of a target no longer in the config. */
export function orphanComment(target: string, ctx: { readonly runUrl: string }): string {
  return `☑️ **${target.replace(/[\\`*_~|<>[\]]/g, '\\$&')}** is no longer in the health-probe configuration, so this incident is closed without a recovery ([workflow run](${ctx.runUrl})).`;
}

/** "Last 7 days: 99.31% up, p50 120 ms, p95 340 ms". */
export function weekLine(week: Uptime | undefined): string | undefined {
  if (!week || week.uptime === null) return undefined;
  const latency = week.p50_ms === null ? '' : `, p50 ${week.p50_ms} ms, p95 ${week.p95_ms} ms`;
  return `${week.uptime}% up${week.degraded ? ` (${week.degraded}% degraded)` : ''}${latency}`;
}

function weekField(week: Uptime | undefined) {
  const line = weekLine(week);
  return line ? [{ name: 'Last 7 days', value: line, inline: false }] : [];
}
