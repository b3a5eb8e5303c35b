import { closeSync, openSync, readSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { glob } from 'tinyglobby';
import { ReadStopped, type ReadOptions } from './read-budget';
import { RecordSink } from './record-splitters';

export { MAX_RECORD_BYTES, ReadBudget, ReadStopped, type ReadOptions } from './read-budget';
export { JsonArraySplitter, LineSplitter, RecordSink } from './record-splitters';

/**
 * Streams crash records (one JSON text each) out of files or an HTTP response, JSON array or
 * NDJSON, without holding the whole input: memory stays flat however large the export is.
 */

/** Files matching `source` patterns (one per line), sorted, each once. */
export async function resolveSourceFiles(
  patterns: readonly string[],
  cwd: string,
): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const found = await glob(pattern, {
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
): Promise<void> {
  const fd = openSync(path, 'r');
  const what = options.what ?? path;
  try {
    const sink = new RecordSink(onRecord, options);
    const chunk = Buffer.allocUnsafe(FILE_CHUNK);
    for (;;) {
      options.budget?.checkTime(what);
      const n = readSync(fd, chunk, 0, FILE_CHUNK, null);
      if (n === 0) break;
      options.budget?.take(n, 'received', what);
      sink.push(n < FILE_CHUNK ? chunk.subarray(0, n) : chunk);
    }
    sink.end();
  } finally {
    closeSync(fd);
  }
}

/**
 * Calls `onRecord` with each record of a stream: a JSON array when its first character is `[`,
 * NDJSON (one value per line) otherwise. Callbacks rather than an async iterator: a promise per
 * record would cost more than parsing it. `unpacked` counts the bytes against the budget's gzip cap.
 */
export function forEachRecord(
  stream: Readable,
  onRecord: (text: string) => void,
  options: ReadOptions & { readonly unpacked?: boolean } = {},
): Promise<void> {
  const what = options.what ?? 'the stream';
  const kind = options.unpacked ? 'unpacked' : 'received';
  return new Promise((resolve, reject) => {
    let failed = false;
    const sink = new RecordSink(onRecord, options);
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(error);
    };
    stream.on('data', (data: Buffer | string) => {
      if (failed) return;
      try {
        const chunk = typeof data === 'string' ? Buffer.from(data) : data;
        options.budget?.take(chunk.length, kind, what);
        sink.push(chunk);
        options.budget?.checkTime(what);
      } catch (error) {
        fail(error);
      }
    });
    stream.once('end', () => {
      if (failed) return;
      try {
        sink.end();
        resolve();
      } catch (error) {
        fail(error);
      }
    });
    stream.once('error', fail);
  });
}

export interface UrlSource {
  readonly url: string;
  readonly token?: string;
  readonly userAgent: string;
  readonly timeoutMs?: number;
}

export class SourceError extends Error {}

/**
 * GETs `url` with the token as a bearer token; follows redirects, dropping the token off-origin.
 * The budget's deadline covers the whole exchange: before the answer it is an error (nothing was
 * read), after it ReadStopped (the records so far count). Bytes count before and after gzip.
 */
export async function forEachUrlRecord(
  source: UrlSource,
  onRecord: (text: string) => void,
  options: ReadOptions = {},
): Promise<void> {
  const what = options.what ?? describeUrl(source.url);
  const budget = options.budget;
  const left = budget ? budget.left() : Number.POSITIVE_INFINITY;
  if (budget && left <= 0) throw budget.timeUp(what);
  const abort = new AbortController();
  let body: Readable | undefined;
  const timer = budget
    ? setTimeout(() => {
        if (body) body.destroy(budget.timeUp(what));
        else abort.abort(new SourceError(`source-url did not answer before ${budget.timeout} ran out`));
      }, left)
    : undefined;
  try {
    const response = await get(source, source.url, source.token, 5, abort.signal);
    const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
    if (encoding !== 'gzip') {
      body = response;
      return await forEachRecord(response, onRecord, { ...options, what });
    }
    const gunzip = createGunzip();
    // pipeline: when either side ends early (a cap, the deadline, an error) both are destroyed.
    body = pipeline(response, gunzip, () => {});
    response.on('data', (chunk: Buffer) => {
      try {
        budget?.take(chunk.length, 'received', what);
      } catch (error) {
        gunzip.destroy(error as Error);
      }
    });
    return await forEachRecord(gunzip, onRecord, { ...options, what, unpacked: true });
  } catch (error) {
    // A reset or a broken gzip body is the source's fault, not a bug.
    if (isSystemError(error)) throw new SourceError(`source-url could not be read: ${error.message}`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function get(
  source: UrlSource,
  url: string,
  token: string | undefined,
  redirects: number,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const client = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = {
      accept: 'application/x-ndjson, application/json;q=0.9, */*;q=0.1',
      'accept-encoding': 'gzip',
      'user-agent': source.userAgent,
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = client.get(u, { headers, timeout: source.timeoutMs ?? 60_000, signal }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        if (redirects === 0) return reject(new SourceError('source-url redirected too many times'));
        const next = new URL(location, u);
        // Never hand the token to another origin.
        const keep = next.origin === u.origin ? token : undefined;
        get(source, next.toString(), keep, redirects - 1, signal).then(resolve, reject);
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        const hint =
          status === 401 || status === 403
            ? ' (check source-token)'
            : status === 404
              ? ' (check source-url)'
              : '';
        return reject(new SourceError(`source-url answered HTTP ${status}${hint}`));
      }
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new SourceError('source-url did not answer in time')));
    req.on('error', (e) =>
      reject(
        e instanceof SourceError
          ? e
          : signal.reason instanceof SourceError
            ? signal.reason
            : new SourceError(`source-url could not be read: ${e.message}`),
      ),
    );
  });
}

function isSystemError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error &&
    !(error instanceof SourceError) &&
    !(error instanceof ReadStopped) &&
    typeof (error as NodeJS.ErrnoException).code === 'string'
  );
}

/** Names a URL for logs without its query string or credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'source-url';
  }
}
