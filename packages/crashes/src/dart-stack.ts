/**
 * A parser for Dart VM stack traces (`StackTrace.toString()` on the VM and in Flutter), including
 * the `package:stack_trace` terse form and obfuscated (`--obfuscate --split-debug-info`) traces.
 * REFERENCE §4: no npm package parses these correctly.
 */
import type { FrameLineMemo } from './frame-memo';
import { readFrame, vmFrame } from './frame-lines';

export { vmFrame };

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
  /** Obfuscated traces: the `build_id: '…'` of the header, when printed. */
  readonly buildId?: string;
  /**
   * Obfuscated traces: where each frame is in the build, most recent first: the `virt` offset, else
   * the `_kDartIsolateSnapshotInstructions+0x…` offset (both stable for one build, unlike `abs`).
   */
  readonly offsets?: string[];
}

/**
 * Longer lines are counted, not parsed. Minified web traces print frames of 100 KB and more, and
 * every line is read by scans and linear patterns, so the cap is about memory, not time.
 */
export const MAX_FRAME_LINE = 256 * 1024;
/** Members and locations are cut to this for grouping and display. */
const MAX_FRAME_PART = 1024;
/**
 * Frames after these are counted, not parsed; grouping looks at the top few anyway. Recursion
 * (a frame repeating the one before) does not count, so a deep recursion still reaches its caller.
 */
export const MAX_FRAMES = 200;
// `#00 abs 000000723d6346d7 virt 00000000001e26d7 _kDartIsolateSnapshotInstructions+0x1e26d7`
const OBFUSCATED_FRAME = /^#\d+\s+abs\s+([0-9a-fA-F]+)(?:\s+virt\s+([0-9a-fA-F]+))?(?:\s+(\S+))?/;
// Its common case, a `virt` offset (then the only part the offset needs), without captures: a
// match array with three captures cost more than the rest of reading the line.
const VIRT_PREFIX = /^#\d+\s+abs\s+[0-9a-fA-F]+\s+virt\s+/g;
const OBFUSCATED_HEADER = /^\*\*\* \*\*\* \*\*\*/;
const BUILD_ID = /^build_id:\s*'([0-9a-fA-F]{1,64})'/;
const ASYNC_SUSPENSION = '<asynchronous suspension>';
const ASYNC_GAP = /^(?:#\d+\s+)?<asynchronous suspension>$|^={5,} asynchronous gap ={5,}$/;
const CHAIN_GAP = '===== asynchronous gap';

export interface ParseOptions {
  /**
   * Keep only what grouping needs: the first `keepTop` frames (the sample) and the in-app frames
   * for these packages, each once per run of repeats. Other frames are read, counted and dropped:
   * a large export then builds a few frame objects per report, not sixty.
   */
  readonly compactFor?: readonly string[];
  readonly keepTop?: number;
  /** Frame lines already read, for the same packages as `compactFor` (a large export's repeats). */
  readonly memo?: FrameLineMemo;
  /**
   * With `compactFor`: stop reading once the kept in-app frames make this many runs of frames
   * with the same file (in any case) and function, past the first `keepTop` frames, when the rest
   * of the text cannot make the trace obfuscated. A fingerprint reads the first runs of in-app
   * frames by a key (frameKey) that tells apart no two frames this does not, so stopping there
   * changes no fingerprint. Counts then cover only the lines read.
   */
  readonly enough?: number;
  /**
   * Obfuscated traces: keep this many offsets (default MAX_FRAMES). Past them, a plain
   * `#NN abs <hex>` line is only recognized (plainAbsLine), never sliced or read for its offset.
   */
  readonly offsets?: number;
}

export function parseDartStackTrace(text: string, options: ParseOptions = {}): DartTrace {
  const frames: DartFrame[] = [];
  const compact = options.compactFor;
  const memo = options.memo;
  const keepTop = options.keepTop ?? 5;
  let lastMember = '';
  let lastUri: string | undefined;
  // The last in-app frame kept (member and URI), so a run of repeats is kept once.
  let keptMember: string | undefined;
  let keptUri: string | undefined;
  let obfuscated = false;
  let buildId: string | undefined;
  const offsets: string[] = [];
  let asyncGaps = 0;
  let folded = 0;
  let skipped = 0;
  let distinct = 0;
  let index = 0;
  let gap = false;
  let start = 0;
  const runs = new InAppRuns(compact ? options.enough : undefined);
  const maxOffsets = Math.min(options.offsets ?? MAX_FRAMES, MAX_FRAMES);
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const from = start;
    start = end + 1;
    if (distinct >= MAX_FRAMES || end - from > MAX_FRAME_LINE) {
      if (text.slice(from, end).trim()) skipped++;
      continue;
    }
    // The rest of an obfuscated trace's frames, once its kept offsets are read: what the read
    // below would do with such a line is set `obfuscated` and drop the offset.
    if (offsets.length >= maxOffsets && plainAbsLine(text, from, end)) {
      obfuscated = true;
      continue;
    }
    let line = text.slice(from, end).trim();
    if (!line) continue;
    const c0 = line.charCodeAt(0);
    // Cheap first-character checks before any pattern: most lines are frames.
    if (
      (c0 === 60 /* < */ || c0 === 61 /* = */ || (c0 === 35 && line.endsWith('>'))) &&
      ASYNC_GAP.test(line)
    ) {
      asyncGaps++;
      gap = true;
      continue;
    }
    // A gap glued to the end of a frame line (a lost line break): the frame, then the gap.
    let gapAfter = false;
    const glued = gluedGap(line);
    if (glued !== undefined) {
      line = glued;
      gapAfter = true;
    }
    if (c0 === 46 /* . */ && (line === '...' || /^\.\.\.\s/.test(line))) {
      folded++;
    } else if (c0 === 42 /* * */ && OBFUSCATED_HEADER.test(line)) {
      obfuscated = true;
    } else if (c0 === 98 /* b */ && line.startsWith('build_id:')) {
      buildId = BUILD_ID.exec(line)?.[1]?.toLowerCase() ?? buildId;
    } else {
      const offset = c0 === 35 /* # */ && line.includes(' abs ') ? obfuscatedOffset(line) : undefined;
      if (offset !== undefined) {
        obfuscated = true;
        if (offsets.length < maxOffsets) offsets.push(offset);
      } else {
        const read = memo?.read(line);
        const raw = read ? read.raw : read === null ? undefined : readFrame(line);
        if (raw) {
          const [member, uri, lineNo, col] = raw;
          if (lastMember !== member || lastUri !== uri) distinct++;
          lastMember = member;
          lastUri = uri;
          let keep = true;
          let inApp = false;
          if (compact) {
            inApp = read ? read.inApp : isInAppUri(uri, compact);
            if (index >= keepTop) keep = inApp && (member !== keptMember || uri !== keptUri);
            if (keep && inApp) {
              keptMember = member;
              keptUri = uri;
            }
          }
          if (keep) {
            const made = read ? read.frame(gap) : frame(member, uri, lineNo, col, gap);
            frames.push(made);
            if (inApp) runs.add(made);
          }
          index++;
          gap = false;
          if (runs.done && index >= keepTop && !obfuscated && cannotObfuscate(text, start)) break;
        }
        // Anything else (Flutter's prose around a trace, `pid: …` lines) carries no frame.
      }
    }
    if (gapAfter) {
      asyncGaps++;
      gap = true;
    }
  }
  return {
    frames,
    obfuscated,
    asyncGaps,
    folded,
    ...(skipped ? { skipped } : {}),
    ...(obfuscated && buildId ? { buildId } : {}),
    ...(obfuscated ? { offsets } : {}),
  };
}

/** ParseOptions.enough's count: runs of in-app frames with the same file (any case) and function. */
class InAppRuns {
  private count = 0;
  private file: string | undefined;
  private fn: string | undefined;
  done = false;

  constructor(private readonly enough: number | undefined) {}

  add(f: DartFrame): void {
    if (this.enough === undefined || this.done) return;
    const file = f.file.toLowerCase();
    if (file === this.file && f.function === this.fn) return;
    this.file = file;
    this.fn = f.function;
    this.done = ++this.count >= this.enough;
  }
}

/** No obfuscated frame (` abs `) nor header from `from` on. */
const cannotObfuscate = (text: string, from: number) =>
  text.indexOf(' abs ', from) === -1 && text.indexOf('*** ***', from) === -1;

/**
 * True when text[from, end) is, trimmed, `#<digits> +abs +<hex digits>…` ending in a hex digit:
 * a line the read takes as an obfuscated frame (it holds ` abs ` and OBFUSCATED_FRAME matches),
 * with no async gap glued to its end (those end in `>`, `=` or `p`). A scan of the text, without
 * a slice; anything else (other blanks, a `\u00a0`) is left to the read.
 */
export function plainAbsLine(text: string, from: number, end: number): boolean {
  let i = from;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 35 /* # */) return false;
  const digits = ++i;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  if (i === digits || text.charCodeAt(i) !== 32) return false;
  while (text.charCodeAt(i) === 32) i++;
  if (!text.startsWith('abs ', i)) return false;
  i += 4;
  while (text.charCodeAt(i) === 32) i++;
  if (i >= end || !isHexDigit(text.charCodeAt(i))) return false;
  let last = end - 1;
  while (last > i && (isBlank(text.charCodeAt(last)) || text.charCodeAt(last) === 13)) last--;
  return isHexDigit(text.charCodeAt(last));
}

const isBlank = (c: number) => c === 32 || c === 9;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** The line without a trailing `<asynchronous suspension>` or Chain gap, when it has one. */
export function gluedGap(line: string): string | undefined {
  if (line.endsWith(ASYNC_SUSPENSION)) return line.slice(0, -ASYNC_SUSPENSION.length).trimEnd();
  const at = line.indexOf(CHAIN_GAP);
  if (at > 0 && /^={5,} asynchronous gap =*$/.test(line.slice(at))) return line.slice(0, at).trimEnd();
  return undefined;
}

/** An obfuscated frame's offset (offsetOf of OBFUSCATED_FRAME's match); undefined for another line. */
export function obfuscatedOffset(line: string): string | undefined {
  VIRT_PREFIX.lastIndex = 0;
  if (VIRT_PREFIX.test(line)) {
    // The pattern's `[0-9a-fA-F]+` after `virt`: the longest run of hex digits.
    const from = VIRT_PREFIX.lastIndex;
    let to = from;
    while (isHexDigit(line.charCodeAt(to))) to++;
    if (to > from) return offsetOf(line.slice(from, to), undefined, '');
  }
  const abs = OBFUSCATED_FRAME.exec(line);
  return abs ? offsetOf(abs[2], abs[3], abs[1] ?? '') : undefined;
}

const isHexDigit = (c: number) => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);

/** `virt` when printed; else the symbol's offset; else the absolute address (differs per run). */
function offsetOf(virt: string | undefined, symbol: string | undefined, abs: string): string {
  if (virt) return `virt:${withoutLeadingZeros(virt).toLowerCase()}`;
  const plus = symbol?.lastIndexOf('+0x') ?? -1;
  if (symbol && plus > 0) return `${symbol.slice(0, plus)}:${symbol.slice(plus + 3).toLowerCase()}`;
  return `abs:${withoutLeadingZeros(abs).toLowerCase()}`;
}

/** `hex.replace(/^0+(?=.)/, '')`, as a loop: at least one digit stays. */
function withoutLeadingZeros(hex: string): string {
  let i = 0;
  while (i < hex.length - 1 && hex.charCodeAt(i) === 48 /* 0 */) i++;
  return i === 0 ? hex : hex.slice(i);
}

export function frame(
  member: string,
  uri: string,
  lineNo: string | undefined,
  col: string | undefined,
  afterAsyncGap: boolean,
): DartFrame {
  const f: {
    -readonly [K in keyof DartFrame]: DartFrame[K];
  } = {
    member: cut(member),
    function: normalizeFunction(cut(member)),
    uri: cut(uri),
    package: packageOf(uri),
    file: cut(basename(uri)),
    afterAsyncGap,
  };
  if (lineNo) f.line = Number(lineNo);
  if (col) f.column = Number(col);
  return f;
}

const cut = (text: string) => (text.length > MAX_FRAME_PART ? text.slice(0, MAX_FRAME_PART) : text);

/** `<anonymous closure>` → `<fn>`, `<…_async_body>` → `<async>`, `new Foo` → `Foo`. */
export function normalizeFunction(member: string): string {
  // Most members have nothing to replace: no lookup, no pattern.
  if (!member.includes('<') && !member.startsWith('new ') && member.trim() === member) return member;
  // Memoized (bounded): Sentry events repeat the same few members in every event.
  let out = normalized.get(member);
  if (out === undefined) {
    out = member
      // First: `<<anonymous closure>_async_body>` holds a closure's own brackets.
      .replace(/<(?:<anonymous closure>|[^<>]*)_async_body>/g, '<async>')
      .replace(/<anonymous closure>/g, '<fn>')
      .replace(/^new /, '')
      .trim();
    if (normalized.size >= 10_000) normalized.clear();
    normalized.set(member, out);
  }
  return out;
}

const normalized = new Map<string, string>();

/**
 * `mara` for `package:mara/…`, and for the `packages/mara/…` paths of web debug builds
 * (`packages/mara/main.dart`, `http://localhost:8080/packages/mara/main.dart.lib.js`); else empty.
 */
export function packageOf(uri: string): string {
  if (uri.startsWith('package:')) {
    const slash = uri.indexOf('/', 8);
    return slash > 8 ? uri.slice(8, slash) : '';
  }
  let at = uri.indexOf('packages/');
  while (at > 0 && uri.charCodeAt(at - 1) !== 47 /* / */) at = uri.indexOf('packages/', at + 9);
  if (at < 0) return '';
  const from = at + 9;
  const end = uri.indexOf('/', from);
  const name = end < 0 ? '' : uri.slice(from, end);
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : '';
}

export function basename(path: string): string {
  // A scan, not `/[?#].*$/`: that pattern retried from every `#` of a long line.
  const q = path.indexOf('?');
  const h = path.indexOf('#');
  const query = q === -1 ? h : h === -1 ? q : Math.min(q, h);
  const clean = query === -1 ? path : path.slice(0, query);
  return clean.slice(Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\')) + 1);
}

/** The web engine and runtimes: compiled to JavaScript, but no app code. */
const WEB_RUNTIME = new Set([
  'dart_sdk.js',
  'flutter.js',
  'flutter_bootstrap.js',
  'canvaskit.js',
  'skwasm.js',
  'require.js',
  'stack_trace_mapper.js',
  'ddc_module_loader.js',
]);

/**
 * In-app for Flutter (REFERENCE §4): `package:<app>/…` (and web debug builds' `packages/<app>/…`),
 * `file:…/lib/…` and other absolute, Windows or relative `lib/` paths; never `dart:`, `dart-sdk/`,
 * `package:flutter/…`, other packages, `.pub-cache` or `org-dartlang-sdk:`. A release web build
 * compiles the app into one script (`main.dart.js`): its frames are in-app, the browser's and the
 * engine's scripts are not.
 */
export function isInAppUri(uri: string, appPackages: readonly string[]): boolean {
  if (uri.startsWith('package:')) return appPackages.includes(packageOf(uri));
  if (uri.startsWith('dart:') || uri.startsWith('dart-sdk/') || uri.startsWith('org-dartlang-')) return false;
  const pkg = packageOf(uri);
  if (pkg) return appPackages.includes(pkg);
  const file = basename(uri);
  if (file.endsWith('.js') || file.endsWith('.mjs')) {
    return !WEB_RUNTIME.has(file) && !/^(?:chrome|moz|safari-web)-extension:/.test(uri);
  }
  if (/\.pub-cache|[/\\]flutter[/\\]packages[/\\]|[/\\]\.dart_tool[/\\]|dart-sdk/.test(uri)) return false;
  return /(?:^|[/\\])lib[/\\]/.test(uri);
}
