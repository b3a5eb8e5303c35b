import { closeSync, openSync, readSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { formatDuration } from '@sre-toolkit/action';
import { glob } from 'tinyglobby';
import { formatBytes } from './byte-size';

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

/** No crash report needs more: a longer record is skipped, the rest of it never buffered. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Why reading ended early: what was read is kept, the rest of the sources is not read. */
export class ReadStopped extends Error {}

/**
 * The time and bytes one run may spend reading its sources (all of them together). Reading
 * groups as it goes, so the deadline bounds grouping too. The clock is passed in.
 */
export class ReadBudget {
  private readonly deadline: number;
  private received = 0;
  private unpacked = 0;

  constructor(
    private readonly limits: { readonly timeoutMs: number; readonly maxBytes: number },
    private readonly clock: () => number = Date.now,
  ) {
    this.deadline = clock() + limits.timeoutMs;
  }

  /** Milliseconds left before the deadline (0 or less: none). */
  left(): number {
    return this.deadline - this.clock();
  }

  /** `source-timeout (5m)`: the input that set the deadline, for messages. */
  get timeout(): string {
    return `source-timeout (${formatDuration(this.limits.timeoutMs)})`;
  }

  timeUp(what: string): ReadStopped {
    return new ReadStopped(`${this.timeout} ran out reading ${what}`);
  }

  /** Throws ReadStopped once the deadline has passed. */
  checkTime(what: string): void {
    if (this.left() <= 0) throw this.timeUp(what);
  }

  /**
   * Counts bytes as they arrive (`received`: from disk or the network; `unpacked`: out of gzip),
   * and throws ReadStopped before a chunk would go over the cap.
   */
  take(bytes: number, kind: 'received' | 'unpacked', what: string): void {
    const total = (kind === 'received' ? this.received : this.unpacked) + bytes;
    const cap = `source-max-bytes (${formatBytes(this.limits.maxBytes)})`;
    if (total > this.limits.maxBytes) {
      throw new ReadStopped(
        kind === 'received'
          ? `${cap} reached in ${what}`
          : `${cap} reached unpacking the gzip body of ${what}`,
      );
    }
    if (kind === 'received') this.received = total;
    else this.unpacked = total;
  }
}

export interface ReadOptions {
  /** Longer records (bytes of an NDJSON line, characters of an array element) are skipped. */
  readonly maxRecord?: number;
  /** Called once for each record skipped for its size. */
  readonly onOversized?: () => void;
  /** Time and byte limits; none without one. */
  readonly budget?: ReadBudget;
  /** How messages name the source. */
  readonly what?: string;
}

/**
 * Calls `onRecord` with each record of a file, in order, reading 1 MiB at a time. Synchronous
 * reads: the action has nothing else to do meanwhile, and a stream's round trips through the
 * thread pool left the main thread idle for a tenth of the run (bench/crash-digest). The budget is
 * checked between chunks.
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
    for (;;) {
      options.budget?.checkTime(what);
      const chunk = Buffer.allocUnsafe(FILE_CHUNK);
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

/**
 * Bytes in, records out: sniffs the format on the first character that is not blank (nor a
 * byte-order mark), then splits. NDJSON is split on bytes and each line decoded alone (node:readline
 * would decode whole chunks into large strings first: same speed, twice the memory). A throwing
 * `onRecord` stops it: no record is handed over after that. Blank chunks before the first record
 * are dropped as they come, never joined.
 */
export class RecordSink {
  private splitter: RecordSplitter | undefined;
  /** The first bytes while they may still be a byte-order mark; undefined once decided. */
  private bom: Buffer | undefined = Buffer.alloc(0);
  private failed = false;
  private readonly emit: (text: string) => void;

  constructor(
    onRecord: (text: string) => void,
    private readonly options: ReadOptions = {},
  ) {
    this.emit = (text) => {
      if (this.failed) return;
      try {
        onRecord(text);
      } catch (error) {
        this.failed = true;
        throw error;
      }
    };
  }

  push(data: Buffer): void {
    if (this.failed) return;
    if (this.splitter) return this.splitter.push(data);
    let chunk = data;
    if (this.bom) {
      // A byte-order mark may itself arrive split: only its (at most 3) bytes are joined.
      const head = this.bom.length ? Buffer.concat([this.bom, chunk.subarray(0, 3)]) : chunk.subarray(0, 3);
      const prefix = Math.min(head.length, 3);
      if (head.subarray(0, prefix).equals(BOM.subarray(0, prefix))) {
        if (prefix < 3) {
          this.bom = head;
          return;
        }
        chunk = chunk.subarray(3 - this.bom.length);
      } else if (this.bom.length) {
        chunk = Buffer.concat([this.bom, chunk]);
      }
      this.bom = undefined;
    }
    let first = 0;
    while (first < chunk.length && isBlank(chunk[first] as number)) first++;
    if (first === chunk.length) return;
    this.splitter =
      chunk[first] === OPEN_ARRAY
        ? new JsonArraySplitter(this.emit, this.options)
        : new LineSplitter(this.emit, this.options);
    this.splitter.push(chunk.subarray(first));
  }

  end(): void {
    if (!this.failed) this.splitter?.end();
  }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const isBlank = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

interface RecordSplitter {
  push(chunk: Buffer): void;
  end(): void;
}

const NEWLINE = 10;
const CR = 13;

/**
 * NDJSON: one record per line; CRLF ends and blank lines are fine. A line that straddles chunks is
 * kept as a list of pieces and joined once; past the record limit it is skipped to its end.
 */
export class LineSplitter implements RecordSplitter {
  private pieces: Buffer[] = [];
  private pending = 0;
  /** The current line is over the limit: read to its end, not kept. */
  private skipping = false;
  private readonly max: number;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly options: ReadOptions = {},
  ) {
    this.max = options.maxRecord ?? MAX_RECORD_BYTES;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.pending || this.skipping) {
      const first = chunk.indexOf(NEWLINE);
      if (first === -1) return this.keep(chunk, 0, chunk.length);
      this.keep(chunk, 0, first);
      this.finish();
      start = first + 1;
    }
    const n = chunk.length;
    while (start < n) {
      // Blank lines, and the blanks that open a line, in a tight loop: no call per newline.
      let j = start;
      for (; j < n; j++) {
        const c = chunk[j] as number;
        if (c === NEWLINE) start = j + 1;
        else if (c !== 0x20 && c !== 0x09 && c !== CR) break;
      }
      // Only blanks left: nothing to keep (a line's leading blanks mean nothing to JSON).
      if (j === n) return;
      const end = chunk.indexOf(NEWLINE, j);
      if (end === -1) return this.keep(chunk, start, n);
      if (end - start > this.max) this.options.onOversized?.();
      else this.line(chunk, start, end);
      start = end + 1;
    }
  }

  end(): void {
    if (this.pending || this.skipping) this.finish();
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (this.skipping || from === to) return;
    if (this.pending + (to - from) > this.max) {
      this.pieces = [];
      this.pending = 0;
      this.skipping = true;
      return;
    }
    this.pieces.push(chunk.subarray(from, to));
    this.pending += to - from;
  }

  private finish(): void {
    if (this.skipping) {
      this.skipping = false;
      this.options.onOversized?.();
      return;
    }
    const joined = Buffer.concat(this.pieces, this.pending);
    this.pieces = [];
    this.pending = 0;
    this.line(joined, 0, joined.length);
  }

  private line(buf: Buffer, start: number, end: number): void {
    const stop = end > start && buf[end - 1] === CR ? end - 1 : end;
    if (stop === start) return;
    const line = buf.toString('utf8', start, stop);
    if (line.charCodeAt(0) > 32 || line.trim()) this.emit(line);
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const COMMA = 44;

/**
 * Emits the text of each element of a top-level JSON array (or of several arrays one after
 * another) as chunks arrive. It only tracks strings and nesting depth; each element is then
 * parsed by JSON.parse, which finds any syntax error inside it. An element that straddles chunks
 * is kept as a list of pieces and joined once; past the record limit it is scanned, not kept.
 */
export class JsonArraySplitter implements RecordSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pieces: string[] = [];
  private pending = 0;
  private started = false;
  private skipping = false;
  private readonly max: number;

  private readonly decoder = new StringDecoder('utf8');
  constructor(
    private readonly emit: (text: string) => void,
    private readonly options: ReadOptions = {},
  ) {
    this.max = options.maxRecord ?? MAX_RECORD_BYTES;
  }

  push(data: Buffer | string): void {
    // The decoder keeps a character split between two chunks for the next one.
    const chunk = typeof data === 'string' ? data : this.decoder.write(data);
    let from = this.started ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (this.depth === 0) {
        if (c === OPEN_ARRAY) this.depth = 1;
        continue;
      }
      if (this.depth === 1 && (c === COMMA || c === CLOSE_ARRAY)) {
        if (from >= 0) this.keep(chunk, from, i);
        this.finish();
        from = -1;
        if (c === CLOSE_ARRAY) this.depth = 0;
        continue;
      }
      if (this.depth === 1 && !this.started && c > 32) {
        this.started = true;
        from = i;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_ARRAY || c === OPEN_OBJECT) this.depth++;
      else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) this.depth--;
    }
    if (this.started && from >= 0) this.keep(chunk, from, chunk.length);
  }

  /** A truncated file: hand over what is left, JSON.parse will reject it. */
  end(): void {
    this.finish();
  }

  private keep(chunk: string, from: number, to: number): void {
    if (this.skipping || from === to) return;
    if (this.pending + (to - from) > this.max) {
      this.pieces = [];
      this.pending = 0;
      this.skipping = true;
      return;
    }
    this.pieces.push(chunk.slice(from, to));
    this.pending += to - from;
  }

  private finish(): void {
    const skipped = this.skipping;
    const text = skipped ? '' : this.pieces.join('').trim();
    this.pieces = [];
    this.pending = 0;
    this.started = false;
    this.skipping = false;
    if (skipped) this.options.onOversized?.();
    else if (text) this.emit(text);
  }
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
