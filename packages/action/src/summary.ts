import { cleanText } from './untrusted';

/** Markdown for job summaries: tables, not log dumps. */

/**
 * Escapes text for a markdown table cell: pipes, new lines, HTML-looking brackets, and link syntax
 * (`[text](url)` from outside text must not become a link); invisible characters are removed.
 */
export function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return (
    cleanText(String(value))
      .replace(/\\/g, '\\\\')
      .replace(/\|/g, '\\|')
      .replace(/[[\]]/g, '\\$&')
      // GitHub links bare URLs and www. names by itself; an entity for the `:` or `.` keeps them
      // text, shown the same, with no invisible character added.
      .replace(/:\/\//g, '&#58;//')
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}&#46;`)
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\r?\n/g, '<br>')
  );
}

/** A GitHub-flavoured markdown table. Cells are escaped unless already markdown (`{ md: … }`). */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(headers.map((h) => cell(h))),
    line(headers.map(() => '---')),
    ...rows.map((r) => line(r.map((c) => (typeof c === 'object' && c !== null ? c.md : cell(c))))),
  ].join('\n');
}

export type Cell = string | number | boolean | null | undefined | { md: string };

export function link(label: string, url: string | undefined): Cell {
  if (!url) return label;
  return { md: `[${cell(label)}](${url.replace(/[()\s]/g, encodeURIComponent)})` };
}
