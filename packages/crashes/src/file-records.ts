import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ReadOptions } from './read-budget';
import { RecordSink } from './record-splitters';

/**
 * The reading a plain local export needs, and nothing more: files by path (glob patterns load
 * tinyglobby when there are any), read in chunks. URLs, gzip and streams are in reader.ts, loaded
 * only for source-url, so a run over a file never loads node:https or node:zlib (start-up, #16).
 */

/** Files matching `source` patterns (one per line), sorted, each once. */
export async function resolveSourceFiles(
  patterns: readonly string[],
  cwd: string,
): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const found = isPlainPath(pattern)
      ? plainFile(pattern, cwd)
      : await (
          await loadGlob()
        )(pattern, {
          cwd,
          absolute: true,
          onlyFiles: true,
          dot: true,
          expandDirectories: false,
        });
    if (!found.length) unmatched.push(pattern);
    for (const f of found.sort()) files.add(f);
  }
  return { files: [...files], unmatched };
}

const FILE_CHUNK = 1024 * 1024;

/**
 * Calls `onRecord` with each record of a file, in order, reading 1 MiB at a time. Synchronous
 * reads: the action has nothing else to do meanwhile, and a stream's round trips through the
 * thread pool left the main thread idle for a tenth of the run (bench/crash-digest). The budget is
 * checked between chunks. One buffer for every chunk (the sink copies what it keeps): a fresh
 * 1 MiB per chunk cost more in page faults and garbage collection than the reads themselves.
 */
export async function forEachFileRecord(
  path: string,
  onRecord: (text: string) => void,
  options: ReadOptions = {},
  /**
   * Only the bytes from `from` (a line's start) up to `to` (after a line's end, or the end of the
   * file): one share of an NDJSON file grouped on several threads (grouping-parts.ts).
   */
  range?: { readonly from: number; readonly to: number },
): Promise<void> {
  const fd = openSync(path, 'r');
  const what = options.what ?? path;
  try {
    // A share that does not start the file is NDJSON lines: the first one is never sniffed.
    const sink = new RecordSink(onRecord, options, range !== undefined && range.from > 0);
    const chunk = Buffer.allocUnsafe(FILE_CHUNK);
    let at = range?.from ?? 0;
    const end = range?.to ?? Number.POSITIVE_INFINITY;
    for (;;) {
      options.budget?.checkTime(what);
      const n = at < end ? readSync(fd, chunk, 0, Math.min(FILE_CHUNK, end - at), range ? at : null) : 0;
      if (n === 0) break;
      at += n;
      options.budget?.take(n, 'received', what);
      sink.push(n < FILE_CHUNK ? chunk.subarray(0, n) : chunk);
      const wait = options.pause?.();
      if (wait) await wait;
    }
    sink.end();
  } finally {
    closeSync(fd);
  }
}

/** Glob syntax tinyglobby (picomatch) reads; a pattern without any names one path. */
const GLOB_SYNTAX = /[*?[\]{}()!+@\\]/;
const isPlainPath = (pattern: string) => !GLOB_SYNTAX.test(pattern);

/** What the glob gives for a plain path: the file, absolute, when it is one (links followed). */
function plainFile(path: string, cwd: string): string[] {
  const absolute = resolve(cwd, path);
  try {
    return statSync(absolute).isFile() ? [absolute] : [];
  } catch {
    return [];
  }
}

let globLoaded: Promise<typeof import('tinyglobby').glob> | undefined;
const loadGlob = () => (globLoaded ??= import('tinyglobby').then((m) => m.glob));

export class SourceError extends Error {}

/** Names a URL for logs without its query string or credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'source-url';
  }
}

/** An error from the file system (ENOENT, EACCES, EISDIR…), as opposed to a bug. */
export function isFileError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  // Not `instanceof Error`: an error made in another realm (a vm context, as under jest) is one too.
  return (
    typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string'
  );
}
