/**
 * A parser for Dart VM stack traces (`StackTrace.toString()` on the VM and in Flutter), including
 * the `package:stack_trace` terse form and obfuscated (`--obfuscate --split-debug-info`) traces.
 * REFERENCE §4: no npm package parses these correctly.
 */
export interface DartFrame {
  /** The member as printed, e.g. `_LoginPageState._submit.<anonymous closure>`. */
  readonly member: string;
  /** The member normalized for grouping: closures `<fn>`, async bodies `<async>`. */
  readonly function: string;
  readonly uri: string;
  /** `mara` for `package:mara/…`, empty otherwise. */
  readonly package: string;
  /** File basename, e.g. `login_page.dart`. */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** True for the first frame after an `<asynchronous suspension>` (or stack_trace's gap). */
  readonly afterAsyncGap: boolean;
}

export interface DartTrace {
  /** Most recent call first, as the VM prints them. */
  readonly frames: DartFrame[];
  /** `*** *** ***` header or `#NN abs <hex>` lines: no symbols, so frames say nothing. */
  readonly obfuscated: boolean;
  readonly asyncGaps: number;
  /** `...` lines: frames Flutter folded away. */
  readonly folded: number;
  /** Lines not parsed (longer than MAX_FRAME_LINE, or after MAX_FRAMES frames); absent when none. */
  readonly skipped?: number;
}

/** Longer lines are counted, not parsed: no frame is that long, and every line costs a pattern. */
export const MAX_FRAME_LINE = 2048;
/**
 * Frames after these are counted, not parsed; grouping looks at the top few anyway. Recursion
 * (a frame repeating the one before) does not count, so a deep recursion still reaches its caller.
 */
export const MAX_FRAMES = 200;
const OBFUSCATED_FRAME = /^#\d+\s+abs\s+[0-9a-fA-F]+/;
const OBFUSCATED_HEADER = /^\*\*\* \*\*\* \*\*\*/;
const ASYNC_GAP = /^(?:#\d+\s+)?<asynchronous suspension>$|^={5,} asynchronous gap ={5,}$/;
// package:stack_trace's terse/Chain form: `package:mara/src/a.dart 42:21  Foo.bar`.
const TERSE_FRAME = /^((?:package|dart|file|org-dartlang-sdk):\S+)(?:\s+(\d+)(?::(\d+))?)?\s+(\S.*)$/;

export function parseDartStackTrace(text: string): DartTrace {
  const frames: DartFrame[] = [];
  let obfuscated = false;
  let asyncGaps = 0;
  let folded = 0;
  let skipped = 0;
  let distinct = 0;
  let gap = false;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const from = start;
    start = end + 1;
    if (distinct >= MAX_FRAMES || end - from > MAX_FRAME_LINE) {
      if (text.slice(from, end).trim()) skipped++;
      continue;
    }
    const line = text.slice(from, end).trim();
    if (!line) continue;
    if (ASYNC_GAP.test(line)) {
      asyncGaps++;
      gap = true;
      continue;
    }
    if (line === '...' || /^\.\.\.\s/.test(line)) {
      folded++;
      continue;
    }
    if (OBFUSCATED_HEADER.test(line) || OBFUSCATED_FRAME.test(line)) {
      obfuscated = true;
      continue;
    }
    const vm = vmFrame(line);
    if (vm) {
      const [member, uri, position] = vm;
      const [, lineNo, col] = position.split(':');
      const last = frames[frames.length - 1];
      if (last?.member !== member || last.uri !== uri) distinct++;
      frames.push(frame(member, uri, lineNo, col, gap));
      gap = false;
      continue;
    }
    const m = TERSE_FRAME.exec(line);
    if (m) {
      const [, uri = '', lineNo, col, member = ''] = m;
      const last = frames[frames.length - 1];
      if (last?.member !== member || last.uri !== uri) distinct++;
      frames.push(frame(member, uri, lineNo, col, gap));
      gap = false;
    }
    // Anything else (Flutter's prose around a trace, `pid: …` lines) carries no frame.
  }
  return { frames, obfuscated, asyncGaps, folded, ...(skipped ? { skipped } : {}) };
}

const LINE_BREAK = /[\r\u2028\u2029]/;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: string) => /\s/.test(c);

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

function frame(
  member: string,
  uri: string,
  lineNo: string | undefined,
  col: string | undefined,
  afterAsyncGap: boolean,
): DartFrame {
  const f: {
    -readonly [K in keyof DartFrame]: DartFrame[K];
  } = {
    member,
    function: normalizeFunction(member),
    uri,
    package: packageOf(uri),
    file: basename(uri),
    afterAsyncGap,
  };
  if (lineNo) f.line = Number(lineNo);
  if (col) f.column = Number(col);
  return f;
}

/** `<anonymous closure>` → `<fn>`, `<…_async_body>` → `<async>`, `new Foo` → `Foo`. */
export function normalizeFunction(member: string): string {
  // Memoized (bounded): Sentry events repeat the same few members in every event.
  let out = normalized.get(member);
  if (out === undefined) {
    out = member
      .replace(/<anonymous closure>/g, '<fn>')
      .replace(/<[^<>]*_async_body>/g, '<async>')
      .replace(/^new /, '')
      .trim();
    if (normalized.size >= 10_000) normalized.clear();
    normalized.set(member, out);
  }
  return out;
}

const normalized = new Map<string, string>();

export function packageOf(uri: string): string {
  return /^package:([^/]+)\//.exec(uri)?.[1] ?? '';
}

export function basename(path: string): string {
  // A scan, not `/[?#].*$/`: that pattern retried from every `#` of a long line.
  const query = path.search(/[?#]/);
  const clean = query === -1 ? path : path.slice(0, query);
  return clean.slice(Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\')) + 1);
}

/**
 * In-app for Flutter (REFERENCE §4): `package:<app>/…` and `file:…/lib/…`; never `dart:`,
 * `package:flutter/…`, other packages, `.pub-cache` or `org-dartlang-sdk:`.
 */
export function isInAppUri(uri: string, appPackages: readonly string[]): boolean {
  if (uri.startsWith('package:')) return appPackages.includes(packageOf(uri));
  if (uri.startsWith('file:')) {
    return /\/lib\//.test(uri) && !/\.pub-cache|\/flutter\/packages\/|\/\.dart_tool\//.test(uri);
  }
  return false;
}
