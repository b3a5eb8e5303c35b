import { cleanText } from '@sre-toolkit/action';
import { neutralizeMentions } from './markdown';
import { truncate } from './truncate';

/**
 * Markdown someone else wrote (a pull request or issue body) shown the way its author meant it,
 * minus everything that could deceive or disturb: headings, lists, bold/italic, code, quotes and
 * plain links keep their markdown; task boxes become ☑/☐; a masked link `[text](url)` shows its real
 * URL beside the text (`text (<url>)`), so no link hides where it goes; images and HTML are
 * dropped; `@everyone`/`@here` are neutralized and `<@id>`, `<#id>`, `<t:…>` shown as text; spoiler
 * bars are shown as text. The result is at most `max` characters, cut at a paragraph boundary.
 *
 * Every pattern is linear: bounded repetitions over classes that exclude their own terminator.
 */
export function safeMarkdown(text: string, max: number): string {
  const lines = dropHtmlComments(cleanText(text)).split('\n');
  const out: string[] = [];
  let inFence = false;
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (/^ {0,3}(`{3,}|~{3,})/.test(line)) {
      inFence = !inFence;
      // The info string (```ts) is the author's; keep only a plain language name.
      const lang = /^ {0,3}(?:`{3,}|~{3,})([A-Za-z0-9_+-]{0,20})/.exec(line)?.[1] ?? '';
      out.push(inFence ? '```' + lang : '```');
      continue;
    }
    if (inFence) {
      // Inside code nothing renders; only a fence-closing line could escape, and a mention still highlights.
      // `](` gets an invisible joiner too, in case a renderer reads the fence differently.
      out.push(
        neutralizeMentions(
          line
            .replace(/`{3,}/g, 'ˋˋˋ')
            .replace(/\]\(/g, ']\u2060(')
            .replace(/<([@#])/g, '<\u2060$1'),
        ),
      );
      continue;
    }
    out.push(inlineLine(line));
  }
  if (inFence) out.push('```');
  const rendered = out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return shorten(rendered, max);
}

function dropHtmlComments(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = text.indexOf('<!--', from);
    if (start < 0) return out + text.slice(from);
    out += text.slice(from, start);
    const end = text.indexOf('-->', start + 4);
    if (end < 0) return out;
    from = end + 3;
  }
}

const TAG = /<\/?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>]{0,500})?\/?>/g;
const IMAGE = /!\[[^\]\n]{0,300}\]\((?:<[^<>\n]{0,2000}>|[^()\s]{0,2000})(?:\s+"[^"\n]{0,300}")?\)/g;
const MASKED_LINK =
  /\[([^[\]\n]{0,300})\]\((?:<([^<>\n]{0,2000})>|([^()\s]{0,2000}))(?:\s+"[^"\n]{0,300}")?\)/g;
const HTTP_URL = /^https?:\/\/[^\s<>()]{1,2000}$/;

/** One line outside code: block syntax kept, inline hazards defused. */
function inlineLine(line: string): string {
  let l = line.replace(IMAGE, '').replace(TAG, '');
  // Headings beyond ### do not render in Discord: bold instead.
  l = l.replace(/^ {0,3}#{4,6}[ \t]+(\S.{0,499})$/, '**$1**');
  // Task list boxes: Discord has no checkboxes.
  l = l.replace(
    /^(\s{0,12}(?:[-*+]|\d{1,9}[.)])\s+)\[([ xX])\](?=\s)/,
    (_m, lead: string, box: string) => `${lead}${box === ' ' ? '☐' : '☑'}`,
  );
  l = l.replace(MASKED_LINK, (_m, label: string, angled?: string, bare?: string) => {
    const url = (angled ?? bare ?? '').trim();
    const shown = escapeLinkText(label.trim());
    if (!HTTP_URL.test(url)) return shown;
    return shown && shown !== url ? `${shown} (<${url}>)` : `<${url}>`;
  });
  return neutralizeMentions(
    l
      // Whatever link syntax is left (nested or unbalanced brackets) cannot form a masked link.
      .replace(/\]\(/g, ']\\(')
      // Mentions, channels, timestamps and custom emoji shown as typed, and no raw autolinks
      // except the ones made above: `<` escaped unless it opens an http(s) URL we wrote.
      .replace(/<(?!https?:\/\/[^\s<>()]{1,2000}>)/g, '\\<')
      .replace(/\|\|/g, '\\|\\|'),
  );
}

function escapeLinkText(text: string): string {
  return text.replace(/[[\]()<>|\\]/g, '\\$&');
}

/** At most `max`: cut at the last paragraph break that keeps a third of the room, else a line, else a word. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - 2;
  const head = text.slice(0, room);
  let cut = head.lastIndexOf('\n\n');
  if (cut < room / 3) cut = head.lastIndexOf('\n');
  let kept = cut >= room / 3 ? head.slice(0, cut) : truncate(head, room - 1).replace(/…$/, '');
  // A cut inside a code block would leave it open: close it (room permitting) or drop the block.
  if ((kept.match(/^```/gm) ?? []).length % 2 === 1) {
    kept = kept.length + 4 <= room ? `${kept}\n\`\`\`` : kept.slice(0, kept.lastIndexOf('```')).trimEnd();
  }
  return `${kept.trimEnd()}\n…`;
}
