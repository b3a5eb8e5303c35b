import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { describeUrl, SourceError } from './file-records';
import { ReadStopped, type ReadOptions } from './read-budget';
import { RecordSink } from './record-splitters';

export { describeUrl, forEachFileRecord, resolveSourceFiles, SourceError } from './file-records';
export { MAX_RECORD_BYTES, ReadBudget, ReadStopped, type ReadOptions } from './read-budget';
export { JsonArraySplitter, LineSplitter, RecordSink } from './record-splitters';

/**
 * Streams crash records (one JSON text each) out of files or an HTTP response, JSON array or
 * NDJSON, without holding the whole input: memory stays flat however large the export is.
 */

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
        const wait = options.pause?.();
        if (wait) {
          stream.pause();
          wait.then(() => failed || stream.resume(), fail);
        }
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
