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
}

// member, URI, optional :line:col (REFERENCE §4).
const VM_FRAME = /^#\d+\s+(\S.*) \((.+?)((?::\d+){0,2})\)$/;
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
  let gap = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
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
    let m = VM_FRAME.exec(line);
    if (m) {
      const [, member = '', uri = '', position = ''] = m;
      const [, lineNo, col] = position.split(':');
      frames.push(frame(member, uri, lineNo, col, gap));
      gap = false;
      continue;
    }
    m = TERSE_FRAME.exec(line);
    if (m) {
      const [, uri = '', lineNo, col, member = ''] = m;
      frames.push(frame(member, uri, lineNo, col, gap));
      gap = false;
    }
    // Anything else (Flutter's prose around a trace, `pid: …` lines) carries no frame.
  }
  return { frames, obfuscated, asyncGaps, folded };
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
  const clean = path.replace(/[?#].*$/, '');
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
