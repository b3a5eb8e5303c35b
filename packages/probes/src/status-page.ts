import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { oneLine, type RunContext, type Runtime } from '@sre-toolkit/action';
import type { HealthCheck, ReportedResult } from './health-check';
import { dailyStates, type DayState, type HealthState, type TargetMemory } from './state';
import { uptimeText } from './summary';

/**
 * The status page: one static, self-contained HTML file (inline CSS and SVG, no script, no
 * external request) with, per target, its state now, a 90-day bar of daily cells, a latency
 * sparkline of the last 48 hours and its open incident. Every text from outside is HTML-escaped.
 */

export interface StatusPageInput {
  readonly title: string;
  readonly now: Date;
  readonly results: readonly ReportedResult[];
  readonly state?: HealthState | undefined;
  readonly issues: ReadonlyMap<string, { number: number; url: string }>;
  readonly runUrl: string;
}

const escapeHtml = (text: string) => oneLine(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STATE_WORD: Record<DayState, string> = {
  up: 'up',
  degraded: 'degraded',
  down: 'down',
  maintenance: 'maintenance',
  none: 'no data',
};

export function statusPageHtml(input: StatusPageInput): string {
  const { results, now } = input;
  const worst = results.some((r) => r.status === 'down' && !r.maintenance)
    ? 'down'
    : results.some((r) => r.status !== 'up' && !r.maintenance)
      ? 'degraded'
      : 'up';
  const headline =
    worst === 'up'
      ? 'All systems operational'
      : worst === 'down'
        ? 'Some systems are down'
        : 'Some systems are degraded';
  const cards = results.map((r) => card(r, input.state?.targets[r.name], input, now)).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(input.title)}</title>
<style>
:root { --up: #2ea043; --degraded: #d29922; --down: #d1242f; --maintenance: #8c959f; --none: #d0d7de; color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #f6f8fa; }
main { max-width: 960px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
.banner { padding: 12px 16px; border-radius: 8px; color: #fff; font-weight: 600; margin: 12px 0 20px; }
.banner.up { background: var(--up); } .banner.degraded { background: #9a6700; } .banner.down { background: var(--down); }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 16px; margin-bottom: 12px; }
.head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 12px; align-items: baseline; }
.name { font-weight: 600; overflow-wrap: anywhere; }
.pill { font-size: .875rem; font-weight: 600; padding: 2px 8px; border-radius: 999px; color: #fff; white-space: nowrap; }
.pill.up { background: var(--up); } .pill.degraded { background: #9a6700; } .pill.down { background: var(--down); } .pill.maintenance { background: #6e7781; }
.bar { display: grid; grid-template-columns: repeat(90, 1fr); gap: 1px; height: 28px; margin: 10px 0 4px; }
.bar span { border-radius: 1px; min-width: 0; }
.d-up { background: var(--up); } .d-degraded { background: var(--degraded); } .d-down { background: var(--down); }
.d-maintenance { background: var(--maintenance); } .d-none { background: var(--none); }
.axis, .meta { display: flex; justify-content: space-between; flex-wrap: wrap; gap: 4px 12px; font-size: .8125rem; color: #59636e; }
.detail { font-size: .875rem; color: #59636e; overflow-wrap: anywhere; margin: 4px 0 0; }
svg { display: block; width: 100%; height: 36px; margin-top: 8px; }
a { color: #0969da; }
footer { font-size: .8125rem; color: #59636e; margin-top: 20px; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(input.title)}</h1>
<div class="banner ${worst}" role="status">${headline}</div>
${cards}
<footer>Updated ${escapeHtml(
    now
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC'),
  )} by <a href="${escapeHtml(input.runUrl)}">health-probe</a>. Daily cells show the worst state of the day (UTC); grey is maintenance, light grey no data.</footer>
</main>
</body>
</html>
`;
}

function card(
  r: ReportedResult,
  memory: TargetMemory | undefined,
  input: StatusPageInput,
  now: Date,
): string {
  const state = r.maintenance ? 'maintenance' : r.status;
  const days = memory ? dailyStates(memory, now) : Array.from({ length: 90 }, (): DayState => 'none');
  const from = new Date(now.getTime() - 89 * 86_400_000).toISOString().slice(0, 10);
  const cells = days
    .map((d, i) => {
      const day = new Date(now.getTime() - (89 - i) * 86_400_000).toISOString().slice(0, 10);
      return `<span class="d-${d}" title="${day}: ${STATE_WORD[d]}"></span>`;
    })
    .join('');
  const issue = input.issues.get(r.name);
  const h = r.history;
  const uptime = h
    ? `<span>24 h ${uptimeText(h['24h']) ?? '—'}</span><span>7 d ${uptimeText(h['7d']) ?? '—'}</span><span>30 d ${uptimeText(h['30d']) ?? '—'}</span><span>p50 ${h['7d'].p50_ms ?? '—'} ms · p95 ${h['7d'].p95_ms ?? '—'} ms</span>`
    : '<span>No history yet</span>';
  const detail = [
    r.error ? escapeHtml(r.error) : '',
    r.maintenance ? `In maintenance (${escapeHtml(r.maintenance)})` : '',
    issue && r.status === 'down'
      ? `Open incident: <a href="${escapeHtml(issue.url)}">#${issue.number}</a>`
      : '',
  ]
    .filter(Boolean)
    .map((t) => `<p class="detail">${t}</p>`)
    .join('');
  return `<section class="card" aria-label="${escapeHtml(r.name)}">
<div class="head"><span class="name">${escapeHtml(r.name)}</span><span class="pill ${state}">${state}</span></div>
<div class="bar" role="img" aria-label="90-day history of ${escapeHtml(r.name)}">${cells}</div>
<div class="axis"><span>${from}</span><span>today</span></div>
<div class="meta">${uptime}</div>
${sparkline(memory)}${detail}
</section>`;
}

/** Latency of the last 48 hours as an inline SVG polyline (answers only). */
function sparkline(memory: TargetMemory | undefined): string {
  const points = (memory?.samples ?? []).filter((s) => s.ms !== null && s.s !== 'd');
  if (points.length < 2) return '';
  const max = Math.max(...points.map((p) => p.ms as number), 1);
  const w = 300;
  const h = 36;
  const step = w / (points.length - 1);
  const coords = points
    .map((p, i) => `${(i * step).toFixed(1)},${(h - 2 - ((p.ms as number) / max) * (h - 4)).toFixed(1)}`)
    .join(' ');
  return `<svg viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" aria-label="latency, last 48 hours, up to ${max} ms"><polyline fill="none" stroke="#0969da" stroke-width="1.5" vector-effect="non-scaling-stroke" points="${coords}"/></svg>`;
}

/** Writes `index.html` into `folder` (relative to the workspace). */
export function writeStatusPage(rt: Runtime, check: HealthCheck, folder: string, ctx: RunContext): void {
  const workspace = rt.env.GITHUB_WORKSPACE || process.cwd();
  const dir = isAbsolute(folder) ? folder : join(workspace, folder);
  mkdirSync(dir, { recursive: true });
  const html = statusPageHtml({
    title: `${ctx.repository || 'Service'} status`,
    now: check.now,
    results: check.results,
    state: check.state,
    issues: check.plan.issues,
    runUrl: ctx.runUrl,
  });
  writeFileSync(join(dir, 'index.html'), html);
  rt.info(`Status page written to ${join(folder, 'index.html')}.`);
}
