import { cell, cleanText, formatDuration, table, type Cell } from '@sre-toolkit/action';
import {
  buildMessages,
  escapeMarkdown,
  inlineCode,
  TONES,
  type Mentions,
  type WebhookMessage,
} from '@sre-toolkit/discord';
import { FINGERPRINT_VERSION } from './fingerprint';
import type { CrashGroup, Grouping, Trend } from './groups';
import { scrub } from './scrub';

type Embed = NonNullable<WebhookMessage['embeds']>[number];

/** What leaves the runner: the grouping with every free text scrubbed (unless scrub is off). */
export interface Digest extends Grouping {
  readonly fingerprint_version: string;
}

/**
 * Report text is hostile: every free text shown anywhere loses its invisible characters first, and
 * is scrubbed unless scrub is off. Versions and platforms were validated on the way in.
 */
export function toDigest(grouping: Grouping, scrubText: boolean): Digest {
  const clean = scrubText ? (t: string) => scrub(cleanText(t)) : cleanText;
  return {
    fingerprint_version: FINGERPRINT_VERSION,
    window: grouping.window,
    totals: grouping.totals,
    rejected: Object.fromEntries(Object.entries(grouping.rejected).map(([k, v]) => [clean(k), v])),
    groups: grouping.groups.map((g) => ({
      ...g,
      title: clean(g.title),
      type: clean(g.type),
      culprit: clean(g.culprit),
      versions: g.versions.map(clean),
      platforms: g.platforms.map(clean),
      sample: g.sample.map(clean),
    })),
  };
}

export interface DigestContext {
  /** `acme/mara`: where the crashes come from, for titles. */
  readonly where: string;
  /** Link for embed titles: the run that made the digest. */
  readonly url?: string;
  readonly top: number;
  /** How the window is named in titles, e.g. `24h` (defaults to a formatted duration). */
  readonly windowLabel?: string;
}

const ARROWS: Record<Trend, string> = { new: '🆕', up: '↑', down: '↓', flat: '→' };
const FLAG_WORDS: Record<string, string> = {
  'new fatal': '🆕 new fatal',
  regressed: '🔁 regressed',
  spike: '📈 spike',
};
const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, word: string, many = `${word}s`) => `${n(x)} ${x === 1 ? word : many}`;

/** `24h`, `7d`, `90m`: how a window reads in a title (24 hours is a day, but people say 24h). */
export function windowLabel(ms: number): string {
  const hours = ms / 3_600_000;
  if (Number.isInteger(hours / 24) && hours >= 48) return `${hours / 24}d`;
  if (Number.isInteger(hours)) return `${hours}h`;
  return formatDuration(ms);
}

export function flagsOf(g: CrashGroup): string[] {
  return [
    ...(g.new ? ['new'] : []),
    ...(g.fatal ? ['fatal'] : []),
    ...(g.regressed ? ['regressed'] : []),
    ...(g.spike ? ['spike'] : []),
  ];
}

function headline(d: Digest, ctx: DigestContext): { title: string; tone: keyof typeof TONES } {
  const span = ctx.windowLabel ?? windowLabel(d.window.duration_ms);
  if (!d.totals.reports)
    return {
      title: `${TONES.success.emoji} No crashes in ${ctx.where} in the last ${span}`,
      tone: 'success',
    };
  const tone = d.totals.critical ? 'warning' : 'info';
  const news = d.totals.new ? `, ${n(d.totals.new)} new` : '';
  return {
    title: `${TONES[tone].emoji} ${plural(d.totals.reports, 'crash', 'crashes')} in ${ctx.where} in the last ${span}: ${plural(d.totals.groups, 'group')}${news}`,
    tone,
  };
}

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
  return `${parts.join(' · ')}${culprit}\n${inlineCode(g.fingerprint)}`;
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
      embed.description = totalsLine(d);
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
export function alertMessages(d: Digest, ctx: DigestContext, mentions: Mentions): WebhookMessage[] {
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
    value: groupLine(g),
  }));
  const embeds: Embed[] = [];
  for (let i = 0; i < fields.length; i += 10) {
    const embed: Embed = { color: TONES.failure.color, fields: fields.slice(i, i + 10) };
    if (i === 0) {
      embed.title = title;
      embed.description = `In the last ${ctx.windowLabel ?? windowLabel(d.window.duration_ms)}: ${totalsLine(d)}`;
      if (ctx.url) embed.url = ctx.url;
    } else embed.title = `Critical groups ${i + 1}–${Math.min(i + 10, fields.length)}`;
    embeds.push(embed);
  }
  return buildMessages(embeds, { mentions });
}

/** A table cell of report text: `cell()` escaping, and no link syntax (`[…](…)`) either. */
function text(value: string): Cell {
  return { md: cell(value).replace(/[[\]()]/g, '\\$&') };
}

/** The job summary and the `report` output: the digest as tables. */
export function digestMarkdown(d: Digest, ctx: DigestContext): string {
  const { title } = headline(d, ctx);
  const t = d.totals;
  const parts = [
    `### ${title}`,
    '',
    `Window ${d.window.start} → ${d.window.end}; ${n(t.history)} earlier reports form the history.`,
    '',
    table(
      ['reports', 'groups', 'fatal', 'users affected', 'new', 'critical', 'rejected'],
      [[n(t.reports), n(t.groups), n(t.fatal), n(t.users), n(t.new), n(t.critical), n(t.rejected)]],
    ),
  ];
  const top = d.groups.slice(0, ctx.top);
  if (top.length) {
    parts.push(
      '',
      `#### Top ${plural(top.length, 'group')}`,
      '',
      table(
        [
          '#',
          'group',
          'events',
          'users',
          'fatal',
          'trend',
          'versions',
          'platforms',
          'flags',
          'culprit',
          'fingerprint',
        ],
        top.map((g, i) => [
          i + 1,
          text(g.title),
          n(g.count),
          n(g.users),
          n(g.fatal),
          ARROWS[g.trend],
          text(g.versions.join(', ')),
          text(g.platforms.join(', ')),
          flagsOf(g).join(', '),
          text(g.culprit),
          { md: `\`${g.fingerprint}\`` },
        ]),
      ),
    );
  }
  const critical = d.groups.filter((g) => g.critical.length);
  if (critical.length) {
    parts.push(
      '',
      `#### Critical`,
      '',
      table(
        ['why', 'group', 'events', 'users', 'versions', 'fingerprint'],
        critical.map((g) => [
          g.critical.join(', '),
          text(g.title),
          n(g.count),
          n(g.users),
          text(g.versions.join(', ')),
          { md: `\`${g.fingerprint}\`` },
        ]),
      ),
    );
  }
  const newGroups = d.groups.filter((g) => g.new);
  if (newGroups.length) {
    parts.push(
      '',
      `#### New groups`,
      '',
      table(
        ['group', 'events', 'users', 'fatal', 'first seen', 'sample'],
        newGroups
          .slice(0, 50)
          .map((g) => [
            text(g.title),
            n(g.count),
            n(g.users),
            n(g.fatal),
            g.first_seen,
            text(g.sample.slice(0, 3).join('\n')),
          ]),
      ),
    );
  }
  const rejected = Object.entries(d.rejected);
  if (rejected.length) {
    parts.push(
      '',
      '#### Rejected reports',
      '',
      table(
        ['reason', 'reports'],
        rejected.slice(0, 20).map(([r, c]) => [text(r), n(c)]),
      ),
    );
  }
  return parts.join('\n') + '\n';
}
