import type { APIEmbed } from 'discord-api-types/v10';
import { neutralizeMentions } from './markdown';

/** Discord's limits on an execute-webhook body (REFERENCE §1), counted in UTF-16 units. */
export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedsTotal: 6000,
  embeds: 10,
  username: 80,
} as const;

const ELLIPSIS = '…';

/**
 * Cuts trimmed text to at most `max` UTF-16 units: at a word boundary when one is near, never
 * inside a surrogate pair, ending in `…`.
 */
export function truncate(text: string, max: number): string {
  const t = text.trim();
  if (t.length <= max) return t;
  if (max <= 1) return max === 1 ? ELLIPSIS : '';
  let cut = max - ELLIPSIS.length;
  if (isHighSurrogate(t.charCodeAt(cut - 1))) cut -= 1;
  const head = t.slice(0, cut);
  const space = head.search(/\s\S*$/);
  // Prefer the last word boundary unless that would throw away more than a fifth of the room.
  const kept = space > cut * 0.8 ? head.slice(0, space) : head;
  return kept.trimEnd() + ELLIPSIS;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Discord rejects empty field names and values; a zero-width space would hide the mistake. */
const nonEmpty = (text: string, fallback = '—') => (text.trim() === '' ? fallback : text);

export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/**
 * Applies every per-item limit to one embed. `@everyone`/`@here` never ping from an embed, but they
 * still render highlighted; every embed text is neutralized so none even looks like a ping.
 */
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  const fit = (text: string, max: number) => truncate(neutralizeMentions(text), max);
  if (out.title !== undefined) out.title = fit(out.title, LIMITS.title) || undefined;
  if (out.description !== undefined) out.description = fit(out.description, LIMITS.description) || undefined;
  if (out.footer) out.footer = { ...out.footer, text: nonEmpty(fit(out.footer.text, LIMITS.footer)) };
  if (out.author) out.author = { ...out.author, name: nonEmpty(fit(out.author.name, LIMITS.author)) };
  if (out.fields) {
    out.fields = out.fields.slice(0, LIMITS.fields).map((f) => ({
      ...f,
      name: nonEmpty(fit(f.name, LIMITS.fieldName)),
      value: nonEmpty(fit(f.value, LIMITS.fieldValue)),
    }));
  }
  for (const key of Object.keys(out) as (keyof APIEmbed)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/**
 * Makes a set of embeds fit one message: per-item limits, at most ten embeds, and at most 6000
 * characters together, shortening the longest texts first so every embed keeps its headline.
 */
export function fitEmbeds(embeds: readonly APIEmbed[]): APIEmbed[] {
  const fitted = embeds.slice(0, LIMITS.embeds).map(fitEmbed);
  let excess = fitted.reduce((n, e) => n + embedLength(e), 0) - LIMITS.embedsTotal;
  while (excess > 0) {
    const longest = longestText(fitted);
    if (!longest || longest.length <= 40) break;
    const target = Math.max(40, longest.length - excess);
    longest.set(truncate(longest.get(), target));
    excess -= longest.length - longest.get().length;
  }
  // Still over (many tiny items): drop trailing fields, then trailing embeds.
  while (excess > 0) {
    const last = [...fitted].reverse().find((e) => e.fields?.length);
    if (last?.fields) {
      const f = last.fields.pop();
      excess -= f ? f.name.length + f.value.length : 0;
    } else if (fitted.length > 1) {
      excess -= embedLength(fitted.pop() as APIEmbed);
    } else break;
  }
  return fitted;
}

interface TextSlot {
  readonly length: number;
  get(): string;
  set(value: string): void;
}

function longestText(embeds: APIEmbed[]): TextSlot | undefined {
  let best: TextSlot | undefined;
  const consider = (get: () => string, set: (v: string) => void) => {
    const length = get().length;
    if (!best || length > best.length) best = { length, get, set };
  };
  for (const e of embeds) {
    if (e.description)
      consider(
        () => e.description ?? '',
        (v) => (e.description = v),
      );
    for (const f of e.fields ?? [])
      consider(
        () => f.value,
        (v) => (f.value = nonEmpty(v)),
      );
    if (e.footer) {
      const footer = e.footer;
      consider(
        () => footer.text,
        (v) => (footer.text = nonEmpty(v)),
      );
    }
  }
  return best;
}
