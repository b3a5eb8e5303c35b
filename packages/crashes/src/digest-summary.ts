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
