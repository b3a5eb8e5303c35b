/**
 * Reading one stack-trace line into its parts, in every format Dart, Flutter and the browsers print:
 * VM frames (`#0 Foo.bar (package:a/b.dart:1:2)`), package:stack_trace's terse/friendly frames
 * (`package:a/b.dart 1:2  Foo.bar`, any URI or relative or Windows path), V8 (`at Foo.bar (url:1:2)`)
 * and Firefox/Safari (`bar@url:1:2`). Scans by hand or with anchored, linear patterns: these lines
 * come from crash reports, so no pattern here may backtrack.
 */

/** A frame as read from one line, before it is normalized. */
export type RawFrame = [member: string, uri: string, line: string | undefined, column: string | undefined];

/** One line in any of the formats Dart and the browsers print, or undefined for prose. */
export function readFrame(line: string): RawFrame | undefined {
  if (line.charCodeAt(0) === 35 /* # */) {
    const vm = vmFrame(line);
    if (!vm) return undefined;
    const [member, uri, position] = vm;
    const [, lineNo, col] = position.split(':');
    return [member, uri, lineNo, col];
  }
  if (line.startsWith('at ')) return v8Frame(line);
  return friendlyFrame(line) ?? firefoxFrame(line);
}

const LINE_BREAK = /[\r\u2028\u2029]/;
const isDigit = (c: number) => c >= 48 && c <= 57;
/** `\s` as regular expressions read it; ASCII without a pattern (every frame line asks). */
const isSpace = (c: string) => {
  const code = c.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(c);
};

/**
 * `#0      Foo._bar (package:my_app/src/foo.dart:42:21)` → member, URI, `:line:col`: what
 * `^#\d+\s+(\S.*) \((.+?)((?::\d+){0,2})\)$` (REFERENCE §4) matches, as a scan. The pattern
 * backtracks cubically on a line of many ` (`; this reads the line once.
 */
export function vmFrame(line: string): [member: string, uri: string, position: string] | undefined {
  if (line.charCodeAt(0) !== 35 /* # */ || !line.endsWith(')')) return undefined;
  let i = 1;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === 1 || !isSpace(line.charAt(i))) return undefined;
  while (i < line.length && isSpace(line.charAt(i))) i++;
  const close = line.length - 1;
  // The member runs to the last ` (` that leaves at least one character of URI.
  const open = line.lastIndexOf(' (', close - 3);
  if (open < i + 1) return undefined;
  const member = line.slice(i, open);
  const inner = line.slice(open + 2, close);
  if (LINE_BREAK.test(member) || LINE_BREAK.test(inner)) return undefined;
  // Up to two trailing `:digits`, as long as the URI keeps one character.
  let cut = inner.length;
  for (let k = 0; k < 2; k++) {
    let j = cut;
    while (j > 0 && isDigit(inner.charCodeAt(j - 1))) j--;
    if (j === cut || j < 2 || inner.charCodeAt(j - 1) !== 58 /* : */) break;
    cut = j - 1;
  }
  return [member, inner.slice(0, cut), inner.slice(cut)];
}

/**
 * `url:line:col` / `url:line` → [url, line, column], a scan from the end; undefined without a
 * line. `allowEmpty`: Safari prints an unknown line or column as nothing (`url::11`, `url:10:`).
 */
function splitPosition(
  location: string,
  allowEmpty = false,
): [string, string | undefined, string | undefined] | undefined {
  const digitsBack = (text: string) => {
    let j = text.length;
    while (j > 0 && isDigit(text.charCodeAt(j - 1))) j--;
    return j;
  };
  const j = digitsBack(location);
  if ((j === location.length && !allowEmpty) || j < 2 || location.charCodeAt(j - 1) !== 58 /* : */)
    return undefined;
  const last = location.slice(j) || undefined;
  const head = location.slice(0, j - 1);
  const k = digitsBack(head);
  if ((k < head.length || allowEmpty) && k >= 2 && head.charCodeAt(k - 1) === 58) {
    const lineNo = head.slice(k) || undefined;
    if (lineNo !== undefined || last !== undefined) return [head.slice(0, k - 1), lineNo, last];
  }
  return last === undefined ? undefined : [head, last, undefined];
}

const SCHEME = /^[a-zA-Z][-+.a-zA-Z0-9]{0,31}:/;
const WINDOWS_PATH = /^(?:[a-zA-Z]:[\\/]|\\\\)/;

/** What a frame's location looks like: a URI, an absolute, Windows or relative path, or a source file. */
function looksLikeLocation(token: string): boolean {
  // Not quoted text (`'package:…/framework.dart': Failed assertion`), nor a label (`file:`).
  if (!/^[\w./\\~-]/.test(token) || token.endsWith(':')) return false;
  return (
    SCHEME.test(token) ||
    WINDOWS_PATH.test(token) ||
    token.includes('/') ||
    token.includes('\\') ||
    token.endsWith('.dart') ||
    token.endsWith('.js') ||
    token.endsWith('.mjs')
  );
}

const isBlank = (c: number) => c === 32 || c === 9;

/**
 * package:stack_trace's terse / friendly frame (`Frame.parseFriendly`): `<location> [line[:col]]
 * <member>`, the location any URI or path (`foo/bar.dart`, `C:\\a\\b.dart`, `https://…`,
 * `dart-sdk/lib/…`, `data:...`). A position without a member is a frame without a function.
 */
function friendlyFrame(line: string): RawFrame | undefined {
  let i = 0;
  while (i < line.length && !isBlank(line.charCodeAt(i))) i++;
  const uri = line.slice(0, i);
  if (!looksLikeLocation(uri)) return undefined;
  while (i < line.length && isBlank(line.charCodeAt(i))) i++;
  let lineNo: string | undefined;
  let col: string | undefined;
  let j = i;
  while (isDigit(line.charCodeAt(j))) j++;
  if (j > i) {
    let k = j;
    if (line.charCodeAt(j) === 58 /* : */) {
      k = j + 1;
      while (isDigit(line.charCodeAt(k))) k++;
      if (k === j + 1) return undefined;
    }
    // Digits glued to something else are no position: let the grammar below reject the line.
    if (k < line.length && !isBlank(line.charCodeAt(k))) return undefined;
    lineNo = line.slice(i, j);
    if (k > j) col = line.slice(j + 1, k);
    i = k;
    while (i < line.length && isBlank(line.charCodeAt(i))) i++;
  }
  const member = line.slice(i);
  if (!member) return lineNo === undefined ? undefined : ['', uri, lineNo, col];
  // The grammar's `[^\d].*`: a member never starts with a digit.
  if (isDigit(member.charCodeAt(0))) return undefined;
  return [member, uri, lineNo, col];
}

/** `native`, `<anonymous>` and friends: a frame with no file. */
const NO_FILE = new Set(['native', '<anonymous>', 'unknown location']);

/**
 * V8 (Chrome, Edge, Node; dart2js and DDC on the web): `at Foo.bar (https://…/main.dart.js:1:2345)`,
 * `at async Foo.bar (…)`, `at https://…:1:2`, `at Object.stringify (native)`, `at f [as g] (…)`,
 * `at f (eval at g (https://…:1:2), <anonymous>:3:4)`.
 */
function v8Frame(line: string): RawFrame | undefined {
  let rest = line.slice(3).trimStart();
  if (rest.startsWith('async ')) rest = rest.slice(6);
  let member = '<fn>';
  let location = rest;
  if (rest.endsWith(')')) {
    const open = rest.indexOf(' (');
    if (open > 0) {
      member = rest.slice(0, open);
      location = rest.slice(open + 2, -1);
    } else if (rest.startsWith('(')) {
      location = rest.slice(1, -1);
    }
  }
  // eval: the innermost location of `eval at f (…)`, whose parentheses close before `, <anonymous>:…`.
  while (location.startsWith('eval at ')) {
    const open = location.indexOf(' (');
    const close = location.lastIndexOf(')');
    if (open < 0 || close < open) break;
    location = location.slice(open + 2, close);
  }
  const as = member.indexOf(' [as ');
  if (as > 0 && member.endsWith(']')) member = member.slice(0, as);
  member = member
    .replace(/<anonymous>/g, '<fn>')
    .replace(/\(anonymous function\)|Anonymous function/g, '<fn>');
  if (NO_FILE.has(location)) return [member, location, undefined, undefined];
  const position = splitPosition(location);
  if (!position || !looksLikeLocation(position[0])) return undefined;
  return [member, position[0], position[1], position[2]];
}

/**
 * Firefox and Safari: `bar@https://…/main.dart.js:1:2345`, `.VW.call$0/name<@…:560`,
 * `@https://…:1:2` (Safari's anonymous functions) and a bare `https://…:1:2`.
 */
function firefoxFrame(line: string): RawFrame | undefined {
  const at = line.indexOf('@');
  const location = at >= 0 ? line.slice(at + 1) : line;
  if (at < 0 && /\s/.test(line)) return undefined;
  const position = splitPosition(location, true);
  if (!position || !looksLikeLocation(position[0]) || /\s/.test(position[0])) return undefined;
  let member = '<fn>';
  if (at > 0) {
    const head = line.slice(0, at);
    // `name(args)/closure<(args)`: the name, then one `.<fn>` per nested closure.
    let end = 0;
    while (end < head.length && head[end] !== '(' && head[end] !== '/') end++;
    const name = head.slice(0, end).replace(/^\./, '');
    let closures = 0;
    const slash = head.indexOf('/', end);
    if (slash >= 0) for (let k = slash; k < head.length; k++) if (head.charCodeAt(k) === 47) closures++;
    member = (name || (closures ? '' : '<fn>')) + '.<fn>'.repeat(closures);
    if (member.startsWith('.')) member = member.slice(1);
  }
  return [member, position[0], position[1], position[2]];
}
