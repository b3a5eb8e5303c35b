import type { APIEmbed } from 'discord-api-types/v10';
import { discordMarkdown, escapeHtml } from './markdown';

export interface ShownMessage {
  /** The execute-webhook body as Discord received it. */
  readonly body: {
    content?: string;
    username?: string;
    embeds?: APIEmbed[];
    flags?: number;
    thread_name?: string;
  };
  /** Name the webhook posts under when the message sets none. */
  readonly webhookName: string;
  readonly at: Date;
  /** Edited after it was posted (shown "(edited)", as Discord does). */
  readonly edited?: boolean;
}

const hex = (color: number | undefined) => `#${(color ?? 0x1e1f22).toString(16).padStart(6, '0')}`;
const time = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const link = (url: string | undefined, inner: string) =>
  url && /^https?:\/\//.test(url) ? `<a href="${escapeHtml(url)}" rel="noreferrer">${inner}</a>` : inner;

function embedHtml(e: APIEmbed): string {
  const parts: string[] = [];
  if (e.author) {
    parts.push(`<div class="embed-author">${link(e.author.url, escapeHtml(e.author.name))}</div>`);
  }
  if (e.title)
    parts.push(
      `<div class="embed-title">${link(e.url, discordMarkdown(e.title).replace(/^<p>|<\/p>\s*$/g, ''))}</div>`,
    );
  if (e.description) parts.push(`<div class="embed-description">${discordMarkdown(e.description)}</div>`);
  if (e.fields?.length) {
    // Discord puts up to three inline fields side by side; a non-inline field takes a whole row.
    const cells = e.fields.map(
      (f) =>
        `<div class="field${f.inline ? ' inline' : ''}"><div class="field-name">${discordMarkdown(f.name)}</div><div class="field-value">${discordMarkdown(f.value)}</div></div>`,
    );
    parts.push(`<div class="fields">${cells.join('')}</div>`);
  }
  const footer = [
    e.footer?.text ? escapeHtml(e.footer.text) : '',
    e.timestamp ? escapeHtml(time(new Date(e.timestamp))) : '',
  ]
    .filter(Boolean)
    .join(' • ');
  if (footer) parts.push(`<div class="embed-footer">${footer}</div>`);
  return `<div class="embed" style="border-left-color:${hex(e.color)}">${parts.join('')}</div>`;
}

export function messageHtml(m: ShownMessage): string {
  const name = m.body.username ?? m.webhookName;
  const silent =
    m.body.flags && m.body.flags & 4096 ? '<span class="silent" title="sent silently">🔕</span>' : '';
  return `<article class="message">
  <div class="avatar" aria-hidden="true">${escapeHtml(name.slice(0, 1).toUpperCase())}</div>
  <div class="body">
    <div class="header"><span class="username">${escapeHtml(name)}</span><span class="bot">APP</span><time>${escapeHtml(time(m.at))}</time>${silent}${m.edited ? '<span class="edited">(edited)</span>' : ''}</div>
    ${m.body.thread_name ? `<div class="thread">🧵 ${escapeHtml(m.body.thread_name)}</div>` : ''}
    ${m.body.content ? `<div class="content">${discordMarkdown(m.body.content)}</div>` : ''}
    ${(m.body.embeds ?? []).map(embedHtml).join('\n')}
  </div>
</article>`;
}

export const DISCORD_CSS = `
.channel{background:#313338;color:#dbdee1;border-radius:8px;margin:0 0 24px;padding:8px 0 16px;font:15px/1.375 "gg sans","Noto Sans","Helvetica Neue",Helvetica,Arial,sans-serif}
.channel>h2{margin:0 0 8px;padding:8px 16px;border-bottom:1px solid #1f2023;font-size:16px;color:#f2f3f5}
.channel>h2::before{content:"# ";color:#80848e}
.channel .empty{padding:8px 16px;color:#949ba4}
.message{display:flex;gap:16px;padding:8px 16px;min-width:0}
@media (max-width:600px){.message{gap:8px;padding:8px}.fields{grid-template-columns:minmax(0,1fr)!important}}
.message:hover{background:#2e3035}
.avatar{flex:none;width:40px;height:40px;border-radius:50%;background:#5865f2;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:600}
.body{min-width:0;flex:1}
.header{display:flex;align-items:center;gap:6px}
.username{font-weight:600;color:#f2f3f5}
.bot{background:#5865f2;color:#fff;font-size:10px;font-weight:600;padding:0 4px;border-radius:3px;line-height:15px}
.header time{color:#949ba4;font-size:12px}
.content p,.embed-description p,.field-value p,.field-name p{margin:0}
.embed{background:#2b2d31;border-left:4px solid;border-radius:4px;padding:8px 16px 16px 12px;margin-top:4px;max-width:516px;min-width:0;display:grid;grid-template-columns:minmax(0,1fr);gap:8px;overflow-wrap:anywhere}
.content{overflow-wrap:anywhere}
.embed pre,.content pre{white-space:pre-wrap;overflow-wrap:anywhere}
.embed-author{font-size:14px;font-weight:600;color:#f2f3f5}
.embed-title{font-weight:600;color:#f2f3f5}
.embed a{color:#00a8fc;text-decoration:none}
.embed-title a{color:#00a8fc}
.embed-description{font-size:14px;white-space:normal}
.fields{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:8px}
.field{grid-column:1/-1;font-size:14px;min-width:0;overflow-wrap:anywhere}
.field.inline{grid-column:auto}
.field-name{font-weight:600;color:#f2f3f5}
.embed-footer{font-size:12px;color:#949ba4}
.mention{background:rgba(88,101,242,.3);color:#c9cdfb;border-radius:3px;padding:0 2px;font-weight:500}
.thread{color:#949ba4;font-size:13px}
.edited{color:#949ba4;font-size:11px}
.timestamp{background:rgba(255,255,255,.06);border-radius:3px;padding:0 2px}
.channel code{background:#1e1f22;border-radius:3px;padding:0 3px;font-size:85%}
`;
