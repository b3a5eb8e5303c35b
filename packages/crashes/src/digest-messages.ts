import {
  buildMessages,
  escapeMarkdown,
  inlineCode,
  TONES,
  type Mentions,
  type WebhookMessage,
} from '@sre-toolkit/discord';
import {
  ARROWS,
  FLAG_WORDS,
  headline,
  formatCount as n,
  plural,
  windowLabel,
  type Digest,
  type DigestContext,
} from './digest';
import { safeUrl } from './digest-summary';
import { FINGERPRINT_VERSION } from './fingerprint';
import type { CrashGroup } from './groups';
import { alertFields, deployLine, type CrashAlertContext } from './alert-context';

/** The Discord side of the digest: the digest for #crashes and the alert for #alerts. */

type Embed = NonNullable<WebhookMessage['embeds']>[number];

/** The reason names files and URLs: it stays in the run's log and summary. */
const PARTIAL = '⚠️ Partial: reading stopped before the end of the sources; see the run.';

function totalsLine(d: Digest): string {
  const t = d.totals;
  return [
    `**${n(t.reports)}** reports`,
    `**${n(t.groups)}** groups`,
    `**${n(t.fatal)}** fatal`,
    `**${n(t.users)}** users affected`,
    `**${n(t.rejected)}** rejected`,
  ].join(' · ');
}

function groupLine(g: CrashGroup): string {
  const trend =
    g.trend === 'new'
      ? '🆕 new'
      : `${ARROWS[g.trend]}${g.baseline !== null ? ` (baseline ${g.baseline}/window)` : ''}`;
  const parts = [
    `**${n(g.count)}** events ${trend}`,
    `**${n(g.users)}** users`,
    ...(g.fatal ? [`${n(g.fatal)} fatal`] : []),
    escapeMarkdown(`v${g.versions.slice(0, 3).join(', ')}${g.versions.length > 3 ? ', …' : ''}`),
    escapeMarkdown(g.platforms.join(', ')),
    ...g.critical.map((c) => FLAG_WORDS[c] ?? c),
  ];
  const culprit = g.culprit ? `\n${inlineCode(g.culprit)}` : '';
  const url = g.issue && safeUrl(g.issue.url);
  const issue = g.issue
    ? ` · ${url ? `[#${g.issue.number}](${url})` : `#${g.issue.number}`} ${g.issue.status}`
    : '';
  return `${parts.join(' · ')}${culprit}\n${inlineCode(g.fingerprint)}${issue}`;
}

/** The digest for #crashes: a summary embed with the top groups, then more embeds when needed. */
export function digestMessages(d: Digest, ctx: DigestContext): WebhookMessage[] {
  const { title, tone } = headline(d, ctx);
  const color = TONES[tone].color;
  const top = d.groups.slice(0, ctx.top);
  const footer = { text: `${FINGERPRINT_VERSION} · window ${d.window.start} → ${d.window.end}` };
  const groupFields = top.map((g, i) => ({
    name: `${i + 1}. ${escapeMarkdown(g.title)}`,
    value: groupLine(g),
  }));
  const newGroups = d.groups.filter((g) => g.new);
  const newLines = newGroups
    .slice(0, 15)
    .map((g) => `• ${escapeMarkdown(g.title)}: **${n(g.count)}** events, ${plural(g.users, 'user')}`);
  if (newGroups.length > 15) newLines.push(`… and ${n(newGroups.length - 15)} more`);
  const embeds: Embed[] = [];
  // Ten groups per embed keeps each under 25 fields and well under 6000 characters.
  for (let i = 0; i === 0 || i < groupFields.length; i += 10) {
    const fields = groupFields.slice(i, i + 10);
    const embed: Embed = fields.length ? { color, fields } : { color };
    if (i === 0) {
      embed.title = title;
      embed.description = ctx.partial ? `${totalsLine(d)}\n${PARTIAL}` : totalsLine(d);
      if (ctx.url) embed.url = ctx.url;
    } else {
      embed.title = `Top groups ${i + 1}–${Math.min(i + 10, groupFields.length)}`;
    }
    embeds.push(embed);
  }
  if (newLines.length) {
    embeds.push({
      color,
      title: `🆕 ${plural(newGroups.length, 'new group')}`,
      description: newLines.join('\n'),
    });
  }
  const last = embeds[embeds.length - 1] as Embed;
  last.footer = footer;
  return buildMessages(embeds);
}

/** One message for #alerts naming every critical group (new fatal, regressed, spiking). */
export function alertMessages(
  d: Digest,
  ctx: DigestContext,
  mentions: Mentions,
  context?: CrashAlertContext,
): WebhookMessage[] {
  const critical = d.groups.filter((g) => g.critical.length);
  if (!critical.length) return [];
  const counts = (['new fatal', 'regressed', 'spike'] as const)
    .map((r) => [r, critical.filter((g) => g.critical.includes(r)).length] as const)
    .filter(([, c]) => c > 0)
    .map(([r, c]) =>
      r === 'new fatal' ? `${c} new fatal` : r === 'regressed' ? plural(c, 'regression') : plural(c, 'spike'),
    );
  const title = `${TONES.failure.emoji} ${plural(critical.length, 'critical crash group')} in ${ctx.where}: ${counts.join(', ')}`;
  const fields = critical.map((g) => ({
    name: `${g.critical.map((c) => FLAG_WORDS[c] ?? c).join(' · ')}: ${escapeMarkdown(g.title)}`,
    value: ((deploy) => (deploy ? `${groupLine(g)}\n${deployLine(deploy)}` : groupLine(g)))(
      context?.deploys.get(g.fingerprint),
    ),
  }));
  const embeds: Embed[] = [];
  for (let i = 0; i < fields.length; i += 10) {
    const embed: Embed = { color: TONES.failure.color, fields: fields.slice(i, i + 10) };
    // Severity and the runbook's crash section first (issue #14); 12 fields stay under Discord's 25.
    if (i === 0 && context) embed.fields = [...alertFields(context.alert), ...(embed.fields ?? [])];
    if (i === 0) {
      embed.title = title;
      embed.description = `In the last ${ctx.windowLabel ?? windowLabel(d.window.duration_ms)}: ${totalsLine(d)}`;
      if (ctx.url) embed.url = ctx.url;
    } else embed.title = `Critical groups ${i + 1}–${Math.min(i + 10, fields.length)}`;
    embeds.push(embed);
  }
  return buildMessages(embeds, { mentions });
}
