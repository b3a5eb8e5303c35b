import type {
  APIAllowedMentions,
  APIEmbed,
  RESTPostAPIWebhookWithTokenJSONBody,
} from 'discord-api-types/v10';
import { formatCount } from '@sre-toolkit/action';
import { neutralizeMentions } from './markdown';
import { splitText } from './split';
import { embedLength, fitEmbed, fitEmbeds, LIMITS, truncate } from './truncate';

export type WebhookMessage = RESTPostAPIWebhookWithTokenJSONBody;

/** One embed of a webhook message: the type every package builds. */
export type Embed = NonNullable<WebhookMessage['embeds']>[number];

/** Who a message may ping: exactly what the workflow author configured, nothing from event text. */
export interface Mentions {
  readonly users: readonly string[];
  readonly roles: readonly string[];
  /** `@here` (and `@everyone`): Discord's `parse: ["everyone"]` covers both. */
  readonly here: boolean;
  readonly everyone: boolean;
}

export const NO_MENTIONS: Mentions = { users: [], roles: [], here: false, everyone: false };

/**
 * `<@id>`, `user:id` or a bare id for a user; `<@&id>` or `role:id` for a role; `here`, `everyone`
 * (with or without `@`). Separated by spaces, commas or new lines.
 */
export function parseMentions(text: string): { value: Mentions } | { error: string } {
  const users: string[] = [];
  const roles: string[] = [];
  let here = false;
  let everyone = false;
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if (/^@?here$/i.test(item)) here = true;
    else if (/^@?everyone$/i.test(item)) everyone = true;
    else if ((m = /^(?:<@!?(\d{5,25})>|user:(\d{5,25})|(\d{5,25}))$/.exec(item)))
      users.push(m[1] ?? m[2] ?? m[3] ?? '');
    else if ((m = /^(?:<@&(\d{5,25})>|role:(\d{5,25}))$/.exec(item))) roles.push(m[1] ?? m[2] ?? '');
    else {
      return {
        error: `has ${JSON.stringify(item)}, which is not a mention: use a user id (<@123…> or user:123…), a role (<@&123…> or role:123…), here or everyone`,
      };
    }
  }
  return { value: { users: [...new Set(users)], roles: [...new Set(roles)], here, everyone } };
}

export function mentionText(m: Mentions): string {
  return [
    ...m.users.map((id) => `<@${id}>`),
    ...m.roles.map((id) => `<@&${id}>`),
    ...(m.everyone ? ['@everyone'] : m.here ? ['@here'] : []),
  ].join(' ');
}

/** Always explicit: `parse: []` plus the configured ids, so text in a message can never ping. */
export function allowedMentions(m: Mentions): APIAllowedMentions {
  // A type-only cast: importing discord-api-types' enum would load the whole module at start-up.
  const parse = (m.here || m.everyone ? ['everyone'] : []) as APIAllowedMentions['parse'];
  return { parse, users: [...m.users], roles: [...m.roles] };
}

export interface MessageOptions {
  readonly content?: string;
  readonly mentions?: Mentions;
  readonly username?: string;
  readonly avatarUrl?: string;
  readonly threadName?: string;
  /** Forum tag ids for the post `threadName` creates (`applied_tags`, at most 5). */
  readonly threadTags?: readonly string[];
  readonly suppressNotifications?: boolean;
}

const SUPPRESS_NOTIFICATIONS = 1 << 12;

/**
 * One message within every Discord limit. Content is the author's text with any `@everyone`/`@here`
 * in it neutralized; the configured mentions go first.
 */
export function buildMessage(embeds: readonly APIEmbed[], options: MessageOptions = {}): WebhookMessage {
  const mentions = options.mentions ?? NO_MENTIONS;
  const prefix = mentionText(mentions);
  const body = neutralizeMentions(options.content ?? '').trim();
  const content = truncate([prefix, body].filter(Boolean).join(' '), LIMITS.content);
  const message: WebhookMessage = { allowed_mentions: allowedMentions(mentions) };
  if (content) message.content = content;
  const fitted = fitEmbeds(embeds);
  if (fitted.length) message.embeds = fitted;
  if (options.username) message.username = truncate(options.username, LIMITS.username);
  if (options.avatarUrl) message.avatar_url = options.avatarUrl;
  if (options.threadName) message.thread_name = truncate(options.threadName, 100);
  if (options.threadName && options.threadTags?.length) message.applied_tags = options.threadTags.slice(0, 5);
  if (options.suppressNotifications) message.flags = SUPPRESS_NOTIFICATIONS;
  return message;
}

/**
 * Packs any number of embeds into as few messages as Discord allows (ten embeds and 6000
 * characters each). Mentions and content go with the first message only.
 */
export function buildMessages(embeds: readonly APIEmbed[], options: MessageOptions = {}): WebhookMessage[] {
  const groups: APIEmbed[][] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds.map(fitEmbed)) {
    const length = embedLength(embed);
    if (current.length && (current.length === LIMITS.embeds || size + length > LIMITS.embedsTotal)) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(embed);
    size += length;
  }
  if (current.length) groups.push(current);
  if (!groups.length) groups.push([]);
  return groups.map((group, i) =>
    buildMessage(group, i === 0 ? options : { ...options, content: '', mentions: NO_MENTIONS }),
  );
}

/**
 * One message, or several when the content is longer than Discord's 2,000: the content split at
 * line breaks (else spaces), the embeds and the configured pings with the first part only (later
 * parts may ping no one), the sender's name and flags on every part.
 */
export function buildSplitMessage(
  embeds: readonly APIEmbed[],
  options: MessageOptions = {},
): WebhookMessage[] {
  const mentions = options.mentions ?? NO_MENTIONS;
  const full = [mentionText(mentions), neutralizeMentions(options.content ?? '').trim()]
    .filter(Boolean)
    .join(' ');
  if (full.length <= LIMITS.content) return [buildMessage(embeds, options)];
  const [head = '', ...rest] = splitText(full, LIMITS.content);
  // The mentions' own text comes first and is short: it always lands in the first part.
  const first = buildMessage(embeds, { ...options, content: '' });
  first.content = head;
  const same: WebhookMessage = {};
  if (first.username) same.username = first.username;
  if (first.avatar_url) same.avatar_url = first.avatar_url;
  if (first.thread_name) same.thread_name = first.thread_name;
  if (first.applied_tags) same.applied_tags = first.applied_tags;
  if (first.flags) same.flags = first.flags;
  return [
    first,
    ...rest.map((content) => ({ ...same, content, allowed_mentions: allowedMentions(NO_MENTIONS) })),
  ];
}

/**
 * What fitting embeds into Discord's limits cut or dropped, in words for a warning: `fields 26-40
 * of 40 dropped (Field 25, …)`, `description cut from 9,999 to 1,200 characters`. Empty when
 * nothing was lost.
 */
export function fitNotes(original: readonly APIEmbed[], fitted: readonly APIEmbed[]): string[] {
  const notes: string[] = [];
  const n = formatCount;
  original.forEach((before, i) => {
    const where = original.length > 1 ? `embed ${i + 1}: ` : '';
    const after = fitted[i];
    if (!after) return void notes.push(`embed ${i + 1} of ${original.length} dropped`);
    const cut = (what: string, a: string | undefined, b: string | undefined) => {
      const from = a?.trim().length ?? 0;
      const to = b?.length ?? 0;
      if (to < from) notes.push(`${where}${what} cut from ${n(from)} to ${n(to)} characters`);
    };
    cut('title', before.title, after.title);
    cut('description', before.description, after.description);
    cut('footer', before.footer?.text, after.footer?.text);
    const had = before.fields ?? [];
    const kept = after.fields ?? [];
    if (kept.length < had.length) {
      const names = had.slice(kept.length, kept.length + 3).map((f) => JSON.stringify(truncate(f.name, 40)));
      const more = had.length - kept.length > 3 ? ', …' : '';
      const range = had.length - kept.length > 1 ? `s ${kept.length + 1}-${had.length}` : ` ${had.length}`;
      notes.push(`${where}field${range} of ${had.length} dropped (${names.join(', ')}${more})`);
    }
    const shortened = kept.filter((f, j) => f.value.length < (had[j]?.value.trim().length ?? 0)).length;
    if (shortened) notes.push(`${where}${shortened} field value${shortened === 1 ? '' : 's'} shortened`);
  });
  return notes;
}
