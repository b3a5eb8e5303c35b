import { cell, table, type Cell } from '@sre-toolkit/action';
import {
  ARROWS,
  flagsOf,
  formatCount as n,
  headline,
  plural,
  type Digest,
  type DigestContext,
} from './digest';
import type { CrashGroup } from './groups';

/** A table cell of report text: `cell()` escaping, and no link syntax (`[…](…)`) either. */
/** `[#12](url) open`: the group's crash issue, when issues are on. */
function issueCell(g: CrashGroup): Cell {
  const i = g.issue;
  if (!i) return '';
  const url = safeUrl(i.url);
  return { md: `${url ? `[#${i.number}](${url})` : `#${i.number}`} ${i.status}` };
}

/** GitHub's own issue URL; anything else (it never is) shows as text. */
export const safeUrl = (url: string) => (/^https?:\/\/[^\s()<>]+$/.test(url) ? url : undefined);

export function reportCell(value: string): { md: string } {
  return { md: cell(value).replace(/[[\]()]/g, '\\$&') };
}

/** The job summary and the `report` output: the digest as tables. */
export function digestMarkdown(d: Digest, ctx: DigestContext): string {
  const { title } = headline(d, ctx);
  const t = d.totals;
  const parts = [
    `### ${title}`,
    '',
    ...(ctx.partial ? [`> ⚠️ Partial digest. ${cell(ctx.partial)}`, ''] : []),
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
          'issue',
        ],
        top.map((g, i) => [
          i + 1,
          reportCell(g.title),
          n(g.count),
          n(g.users),
          n(g.fatal),
          ARROWS[g.trend],
          reportCell(g.versions.join(', ')),
          reportCell(g.platforms.join(', ')),
          flagsOf(g).join(', '),
          reportCell(g.culprit),
          { md: `\`${g.fingerprint}\`` },
          issueCell(g),
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
          reportCell(g.title),
          n(g.count),
          n(g.users),
          reportCell(g.versions.join(', ')),
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
            reportCell(g.title),
            n(g.count),
            n(g.users),
            n(g.fatal),
            g.first_seen,
            reportCell(g.sample.slice(0, 3).join('\n')),
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
        rejected.slice(0, 20).map(([r, c]) => [reportCell(r), n(c)]),
      ),
    );
  }
  return parts.join('\n') + '\n';
}
