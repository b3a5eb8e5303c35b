/**
 * The one treatment every text from outside gets (crash reports, response bodies, commit titles,
 * branch names) before any place shows it: invisible and control characters out, workflow
 * commands inert. Each place adds its own escaping on top (Discord markdown, table cells, issues).
 */

/**
 * C0/C1 controls (tabs and new lines kept), and Unicode format characters: bidi overrides
 * (U+202E), zero-width spaces and joiners, soft hyphens, tags — all of category Cf.
 */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Cf}]/gu;

/** A line the runner would read as a command: `::warning …`, `::stop-commands::…`, `##[error]…`. */
const COMMAND_LINE = /^([ \t]*)(::|##\[)/gm;

/** Removes control and format characters; keeps new lines and tabs. */
export function cleanText(text: string): string {
  return text.replace(INVISIBLE, keepWordJoiner).replace(/\r\n?/g, '\n');
}

/**
 * U+2060 (word joiner, category Cf) stays: it is how `@everyone` is neutralized, and removing it
 * again (in an output, a summary) would make the mention live. It steers no text direction.
 */
const keepWordJoiner = (c: string) => (c === '\u2060' ? c : '');

/** One line: `cleanText`, then every run of line breaks and tabs becomes one space. */
export function oneLine(text: string): string {
  return cleanText(text).replace(/[\n\t]+/g, ' ');
}

/**
 * Text the runner prints as it is: no line may start a workflow command, whoever wrote it.
 * `::` becomes `: :` and `##[` becomes `# #[`, still readable, never executed.
 */
export function inertLog(text: string): string {
  return cleanText(text).replace(COMMAND_LINE, (_m, indent: string, cmd: string) =>
    cmd === '::' ? `${indent}: :` : `${indent}# #[`,
  );
}
