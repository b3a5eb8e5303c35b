import { Marked } from 'marked';

/** HTML-escapes text for the page. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Markdown to HTML with `marked`. Raw HTML in the source is shown as text, never rendered: messages
 * and summaries carry text from PR titles and commit messages, and the page must stay inert.
 */
function markedWith(options: { breaks: boolean; html: (raw: string) => string }): Marked {
  const m = new Marked({ gfm: true, breaks: options.breaks, async: false });
  m.use({
    renderer: {
      html: (token) => options.html(token.text),
    },
    walkTokens: (token) => {
      if (token.type === 'link' || token.type === 'image') {
        if (!/^https?:\/\//i.test(token.href)) token.href = '#';
      }
    },
  });
  return m;
}

/**
 * The HTML GitHub renders in a job summary, as far as our summaries use it: collapsible sections,
 * line breaks, tables and simple formatting. Every attribute is dropped (but `open` on details);
 * any other tag, and all text, is shown escaped. Linear: a tag is `<`, a name, then no `<` or `>`.
 */
const GITHUB_TAGS = new Set([
  'details',
  'summary',
  'br',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'p',
  'b',
  'strong',
  'i',
  'em',
  'code',
  'pre',
  'sub',
  'sup',
  'ul',
  'ol',
  'li',
  'hr',
  'kbd',
  'blockquote',
]);
const VOID_TAGS = new Set(['br', 'hr']);

export function githubHtml(raw: string): string {
  return raw.replace(
    /<(\/?)([A-Za-z][A-Za-z0-9]{0,15})((?:\s[^<>]{0,1000})?)\/?>|([^<]+|<)/g,
    (
      _m,
      close: string | undefined,
      name: string | undefined,
      attrs: string | undefined,
      text: string | undefined,
    ) => {
      if (text !== undefined) return escapeHtml(text);
      const tag = (name ?? '').toLowerCase();
      if (!GITHUB_TAGS.has(tag)) return escapeHtml(_m);
      if (close) return VOID_TAGS.has(tag) ? '' : `</${tag}>`;
      const open = tag === 'details' && /(?:^|\s)open(?:[\s=]|$)/i.test(attrs ?? '') ? ' open' : '';
      return `<${tag}${open}>`;
    },
  );
}

const discordMarked = markedWith({ breaks: true, html: escapeHtml });
const githubMarked = markedWith({ breaks: false, html: githubHtml });

/** Discord's flavour: single new lines break, mentions are highlighted. */
export function discordMarkdown(text: string): string {
  const mentions: string[] = [];
  // Mentions are taken out before markdown (marked would read `<@123>` as HTML) and put back styled.
  const held = text.replace(
    /<@!?(\d+)>|<@&(\d+)>|@(everyone|here)\b/g,
    (_all, user?: string, role?: string, group?: string) => {
      const label = user ? `@user ${user.slice(-4)}` : role ? `@role ${role.slice(-4)}` : `@${group}`;
      mentions.push(`<span class="mention">${escapeHtml(label)}</span>`);
      return `\uE000${mentions.length - 1}\uE001`;
    },
  );
  // Discord timestamps (`<t:1795830761:f>`) render in the reader's time zone; the page shows UTC.
  const timed = held.replace(/<t:(-?\d{1,13})(?::[tTdDfFR])?>/g, (_all, seconds: string) => {
    const label = new Date(Number(seconds) * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    mentions.push(`<span class="timestamp">${escapeHtml(label)}</span>`);
    return `\uE000${mentions.length - 1}\uE001`;
  });
  const html = discordMarked.parse(timed) as string;
  return html.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => mentions[Number(i)] ?? '');
}

/** GitHub's flavour, for job summaries: markdown plus the HTML subset GitHub renders there. */
export function githubMarkdown(text: string): string {
  return githubMarked.parse(text) as string;
}
