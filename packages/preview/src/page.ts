import { DISCORD_CSS, messageHtml, type ShownMessage } from './discord-html';
import { escapeHtml, githubMarkdown } from './markdown';

export interface PageChannel {
  readonly name: string;
  readonly messages: readonly ShownMessage[];
}

export interface PageRun {
  /** The scenario, e.g. "A CI run fails on main". */
  readonly title: string;
  readonly action: string;
  readonly exitCode: number;
  /** The job summary markdown the run wrote. */
  readonly summary: string;
  readonly outputs?: Record<string, string>;
}

const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f6f8fa;color:#1f2328;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif}
header.page{padding:24px 32px;background:#24292f;color:#fff}
header.page h1{margin:0;font-size:22px}
header.page p{margin:4px 0 0;color:#d0d7de}
main{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px;padding:24px 32px}
main>section{min-width:0}
@media (max-width:1100px){main{grid-template-columns:minmax(0,1fr)}}
@media (max-width:600px){main{padding:16px 8px;gap:16px}header.page{padding:16px}}
header.page{overflow-wrap:anywhere}
section h2.col{margin:0 0 12px;font-size:18px}
.summary{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:0 0 16px}
.summary>h3{margin:0;padding:8px 16px;border-bottom:1px solid #d0d7de;background:#f6f8fa;font-size:14px;display:flex;justify-content:space-between;gap:8px}
.summary>h3 .ok{color:#1a7f37}.summary>h3 .bad{color:#d1242f}
.summary .md{padding:8px 16px;overflow-x:auto}
.summary table{border-collapse:collapse;margin:8px 0;display:block;max-width:100%;overflow-x:auto}
.summary .md{overflow-wrap:anywhere}
.summary pre,.summary code{overflow-wrap:normal}
.summary th,.summary td{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
.summary th{background:#f6f8fa}
.summary pre{background:#f6f8fa;padding:8px;overflow-x:auto}
.summary details{margin:8px 0}
`;

/** One self-contained page: inline CSS, no scripts, fonts or images from anywhere. */
export function renderPage(options: {
  title: string;
  subtitle: string;
  channels: readonly PageChannel[];
  runs: readonly PageRun[];
}): string {
  const channels = options.channels
    .map(
      (c) => `<section class="channel" data-channel="${escapeHtml(c.name)}">
<h2>${escapeHtml(c.name)}</h2>
${c.messages.length ? c.messages.map(messageHtml).join('\n') : '<p class="empty">No messages.</p>'}
</section>`,
    )
    .join('\n');
  const runs = options.runs
    .map(
      (r) => `<article class="summary" data-action="${escapeHtml(r.action)}">
<h3><span>${escapeHtml(r.title)} · <code>${escapeHtml(r.action)}</code></span><span class="${r.exitCode === 0 ? 'ok' : 'bad'}">${r.exitCode === 0 ? 'step succeeded' : `step failed (exit ${r.exitCode})`}</span></h3>
<div class="md">${r.summary.trim() ? githubMarkdown(r.summary) : '<p><em>No job summary.</em></p>'}</div>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(options.title)}</title>
<style>${PAGE_CSS}${DISCORD_CSS}</style>
</head>
<body>
<header class="page"><h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.subtitle)}</p></header>
<main>
<section><h2 class="col">Discord</h2>
${channels}
</section>
<section><h2 class="col">Job summaries</h2>
${runs || '<p>No runs.</p>'}
</section>
</main>
</body>
</html>
`;
}
