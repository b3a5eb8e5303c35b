import { closeSync, openSync, readSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { glob } from 'tinyglobby';

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
 * thread pool left the main thread idle for a tenth of the run (bench/crash-digest).
 */
export async function forEachFileRecord(path: string, onRecord: (text: string) => void): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    const sink = new RecordSink(onRecord);
    for (;;) {
      const chunk = Buffer.allocUnsafe(FILE_CHUNK);
      const n = readSync(fd, chunk, 0, FILE_CHUNK, null);
      if (n === 0) break;
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
 * record would cost more than parsing it.
 */
export function forEachRecord(stream: Readable, onRecord: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const sink = new RecordSink(onRecord);
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(error);
    };
    stream.on('data', (data: Buffer | string) => {
      if (failed) return;
      try {
        sink.push(typeof data === 'string' ? Buffer.from(data) : data);
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
 * `onRecord` stops it: no record is handed over after that.
 */
export class RecordSink {
  private splitter: RecordSplitter | undefined;
  private head: Buffer = Buffer.alloc(0);
  private failed = false;
  private readonly emit: (text: string) => void;

  constructor(onRecord: (text: string) => void) {
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

  push(chunk: Buffer): void {
    if (this.failed) return;
    if (this.splitter) return this.splitter.push(chunk);
    this.head = this.head.length ? Buffer.concat([this.head, chunk]) : chunk;
    const first = firstSignificantByte(this.head);
    if (first === -1) return;
    this.splitter =
      this.head[first] === OPEN_ARRAY ? new JsonArraySplitter(this.emit) : new LineSplitter(this.emit);
    const head = this.head.subarray(first);
    this.head = Buffer.alloc(0);
    this.splitter.push(head);
  }

  end(): void {
    if (!this.failed) this.splitter?.end();
  }
}

const BOM = [0xef, 0xbb, 0xbf];

function firstSignificantByte(b: Buffer): number {
  // A byte-order mark may itself arrive split: wait for all of it.
  if (b.length < 3 && [...b].every((x, i) => x === BOM[i])) return -1;
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  return i < b.length ? i : -1;
}

interface RecordSplitter {
  push(chunk: Buffer): void;
  end(): void;
}

const NEWLINE = 10;
const CR = 13;

/** NDJSON: one record per line; CRLF ends and blank lines are fine. */
export class LineSplitter implements RecordSplitter {
  private rest: Buffer | undefined;
  constructor(private readonly emit: (text: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.rest) {
      // Only the line that straddles two chunks is copied, not the whole chunk.
      const first = chunk.indexOf(NEWLINE);
      if (first === -1) {
        this.rest = Buffer.concat([this.rest, chunk]);
        return;
      }
      const joined = Buffer.concat([this.rest, chunk.subarray(0, first)]);
      this.rest = undefined;
      this.line(joined, 0, joined.length);
      start = first + 1;
    }
    for (let i = chunk.indexOf(NEWLINE, start); i !== -1; i = chunk.indexOf(NEWLINE, start)) {
      this.line(chunk, start, i);
      start = i + 1;
    }
    this.rest = start < chunk.length ? chunk.subarray(start) : undefined;
  }

  end(): void {
    const rest = this.rest;
    this.rest = undefined;
    if (rest) this.line(rest, 0, rest.length);
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
 * parsed by JSON.parse, which finds any syntax error inside it.
 */
export class JsonArraySplitter implements RecordSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pending = '';
  private started = false;

  private readonly decoder = new StringDecoder('utf8');
  constructor(private readonly emit: (text: string) => void) {}

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
        const text = (this.pending + (from >= 0 ? chunk.slice(from, i) : '')).trim();
        if (text) this.emit(text);
        this.pending = '';
        this.started = false;
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
    if (this.started && from >= 0) this.pending += chunk.slice(from);
  }

  /** A truncated file: hand over what is left, JSON.parse will reject it. */
  end(): void {
    const rest = this.pending.trim();
    this.pending = '';
    if (rest) this.emit(rest);
  }
}

export interface UrlSource {
  readonly url: string;
  readonly token?: string;
  readonly userAgent: string;
  readonly timeoutMs?: number;
}

export class SourceError extends Error {}

/** GETs `url` with the token as a bearer token; follows redirects, dropping the token off-origin. */
export async function forEachUrlRecord(source: UrlSource, onRecord: (text: string) => void): Promise<void> {
  const response = await get(source, source.url, source.token, 5);
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'gzip') return forEachRecord(response, onRecord);
  const body = createGunzip();
  response.once('error', (e) => body.destroy(e));
  return forEachRecord(response.pipe(body), onRecord);
}

function get(
  source: UrlSource,
  url: string,
  token: string | undefined,
  redirects: number,
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
    const req = client.get(u, { headers, timeout: source.timeoutMs ?? 60_000 }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        if (redirects === 0) return reject(new SourceError('source-url redirected too many times'));
        const next = new URL(location, u);
        // Never hand the token to another origin.
        const keep = next.origin === u.origin ? token : undefined;
        get(source, next.toString(), keep, redirects - 1).then(resolve, reject);
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
      reject(e instanceof SourceError ? e : new SourceError(`source-url could not be read: ${e.message}`)),
    );
  });
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
