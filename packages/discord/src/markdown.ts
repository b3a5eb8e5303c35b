import { cleanText, oneLine } from '@sre-toolkit/action';

/**
 * Makes untrusted text (titles, branch names, commit messages, user names) show as typed: no
 * masked links, headings, lists, quotes or formatting, and no mention that could ping or even look
 * like one.
 */
export function escapeMarkdown(text: string): string {
  return neutralizeMentions(
    cleanText(text)
      .replace(/[\\*_~`|[\]()<>]/g, '\\$&')
      // Line-start syntax needs a following space: headings, quotes, lists. The indent is matched
      // within its own line only, so hostile runs of blank lines cannot make this backtrack.
      .replace(/^([ \t]*)(#{1,3}|-#|>{1,3}|[-+])(?=\s)/gm, '$1\\$2')
      .replace(/^([ \t]*\d+)\.(?=\s)/gm, '$1\\.'),
  );
}

/** `@everyone` / `@here` with a zero-width joiner: shown as text, never a ping or a highlight. */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u2060$1');
}

/** A code span that survives backticks inside the text. */
export function inlineCode(text: string): string {
  const clean = cleanText(text).replace(/`/g, 'ˋ').replace(/\s+/g, ' ');
  return clean ? `\`${clean}\`` : '';
}

/** `[label](url)` with the label escaped; the url must be ours (GitHub links), never user text. */
export function maskedLink(label: string, url: string): string {
  return `[${escapeMarkdown(label)}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
}

/** First line of a (commit) message. */
export function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').trim();
}

/**
 * A commit as every message and issue shows it: the short sha in code, linked to the commit when
 * the repository's URL is known, then the first line of its message, escaped.
 */
export function commitLine(
  repoUrl: string | undefined,
  sha: string | undefined,
  message?: string,
): string | undefined {
  if (!sha) return message ? escapeMarkdown(firstLine(message)) : undefined;
  const short = `\`${sha.slice(0, 7)}\``;
  const link = repoUrl ? `[${short}](${repoUrl}/commit/${encodeURIComponent(sha)})` : short;
  return message ? `${link} ${escapeMarkdown(firstLine(message))}` : link;
}

/**
 * An embed title made from outside text: one line, no ping, and no link syntax (`[text](url)`,
 * `<url>`), shown as typed. Titles are short and read at a glance, so no backslashes: the link
 * syntax is broken with a space instead.
 */
export function embedTitle(text: string): string {
  return neutralizeMentions(oneLine(text))
    .replace(/\]\(/g, '] (')
    .replace(/<(?=[a-z][a-z0-9+.-]{0,20}:)/gi, '< ');
}

/**
 * Discord markdown back to the text it shows: escapes dropped (`workflow\_dispatch` →
 * `workflow_dispatch`), so a place with its own escaping (a summary table cell) escapes it once.
 */
export function shownText(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
