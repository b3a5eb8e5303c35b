import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';

/**
 * Where accepted reports live. `append` resolves only once the lines are durable (fsynced): the
 * intake answers 202 after it, never before. A second backend (object storage, Postgres) implements
 * the same interface; see docs/architecture.md, "Crash intake".
 */
export interface CrashStore {
  /** Repairs what a crash left behind (a torn last line) and prepares for writing. */
  open(): Promise<void>;
  /** Appends NDJSON lines (each without its `\n`); resolves when they are on disk. */
  append(lines: readonly string[]): Promise<void>;
  /** Every stored record, oldest segment first, in the order received (for rebuilding state). */
  forEachLine(onLine: (line: string) => void): Promise<void>;
  /** The stored records as NDJSON, in the order received, up to what is durable now. */
  exportStream(filter?: ExportFilter): Readable;
  /** Deletes segments older than `days` before `now`; returns their names. */
  prune(now: number, days: number): Promise<string[]>;
  /** Bytes of all segments. */
  storedBytes(): number;
  /** The last write error, cleared by the next successful write. */
  lastError(): NodeJS.ErrnoException | undefined;
  /** Checks the folder: writable, and how many bytes are free. */
  check(): Promise<{ writable: boolean; freeBytes?: number; error?: string }>;
  /** Waits for pending writes, then closes. */
  close(): Promise<void>;
}

export interface ExportFilter {
  /** Reports whose own timestamp is at or after `since` (ms). */
  readonly since?: number;
  /** … and before `until` (ms). */
  readonly until?: number;
}

const SEGMENT = /^crashes-(\d{4}-\d{2}-\d{2})\.ndjson$/;
const DAY_MS = 86_400_000;
/** Clients' clocks and offline queues: a report may be received up to this long after it happened and must still be found, and a client clock may run this far ahead. */
const CLOCK_SLACK_MS = DAY_MS;

export const segmentName = (day: string) => `crashes-${day}.ndjson`;
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Pending {
  readonly data: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * One append-only NDJSON file per UTC day (the day a report was received). Writes are group
 * committed: whatever arrives while a write and fsync are under way goes out together in the next
 * one, so under load one fsync covers many requests and no request waits for more than two.
 */
export class NdjsonSegmentStore implements CrashStore {
  private readonly sizes = new Map<string, number>();
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private handle: { day: string; file: fs.FileHandle } | undefined;
  private error: NodeJS.ErrnoException | undefined;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  async open(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const name of await this.segmentNames()) {
      const path = join(this.dir, name);
      const size = await repairTornTail(path);
      this.sizes.set(name, size);
    }
  }

  append(lines: readonly string[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    if (!lines.length) return Promise.resolve();
    const data = Buffer.from(`${lines.join('\n')}\n`);
    return new Promise((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // One turn of the event loop: requests parsed in the same tick share the write.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      const day = utcDay(this.now());
      const name = segmentName(day);
      const before = this.sizes.get(name) ?? 0;
      try {
        const file = await this.fileFor(day);
        const size = await writeAll(
          file,
          batch.map((p) => p.data),
          before,
        );
        await file.datasync();
        this.sizes.set(name, before + size);
        this.error = undefined;
        for (const p of batch) p.resolve();
      } catch (error) {
        this.error = error as NodeJS.ErrnoException;
        // Cut back a partial write, so the next line starts on a line of its own.
        await this.handle?.file.truncate(before).catch(() => undefined);
        await this.dropHandle();
        for (const p of batch) p.reject(error as Error);
      }
    }
    this.flushing = undefined;
  }

  private async fileFor(day: string): Promise<fs.FileHandle> {
    if (this.handle?.day === day) return this.handle.file;
    await this.dropHandle();
    // Not O_APPEND: writes go to the known durable end, so a failed write can be cut back.
    const path = join(this.dir, segmentName(day));
    const file = await fs.open(path, 'a+').then(async (f) => {
      await f.close();
      return fs.open(path, 'r+');
    });
    this.handle = { day, file };
    if (!this.sizes.has(segmentName(day))) this.sizes.set(segmentName(day), 0);
    return file;
  }

  private async dropHandle(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.file.close().catch(() => undefined);
  }

  async forEachLine(onLine: (line: string) => void): Promise<void> {
    for (const name of [...this.sizes.keys()].sort()) {
      const size = this.sizes.get(name) ?? 0;
      if (!size) continue;
      await new Promise<void>((resolve, reject) => {
        const split = new LineSplit((line) => {
          if (line) onLine(line);
          return undefined;
        });
        createReadStream(join(this.dir, name), { start: 0, end: size - 1 })
          .on('error', reject)
          .pipe(split)
          .on('error', reject)
          .on('finish', resolve);
        split.resume();
      });
    }
  }

  exportStream(filter: ExportFilter = {}): Readable {
    // Only segments that can hold a report of the range: a report is received after it happened
    // (give or take a client's clock), so older days cannot.
    const firstDay = filter.since === undefined ? '' : utcDay(filter.since - CLOCK_SLACK_MS);
    const names = [...this.sizes.keys()].filter((n) => (SEGMENT.exec(n)?.[1] ?? '') >= firstDay).sort();
    const snapshot = names.map((n) => ({ path: join(this.dir, n), size: this.sizes.get(n) ?? 0 }));
    const out = new PassThrough();
    const filtered = filter.since !== undefined || filter.until !== undefined;
    void (async () => {
      for (const { path, size } of snapshot) {
        if (!size) continue;
        const source = createReadStream(path, { start: 0, end: size - 1 });
        const stage = filtered ? source.pipe(new LineSplit((line) => keepLine(line, filter))) : source;
        for await (const chunk of stage) {
          if (!out.write(chunk)) await drainedOrClosed(out);
          // The client went away: stop reading, release the file.
          if (out.destroyed) {
            source.destroy();
            return;
          }
        }
      }
      out.end();
    })().catch((error: Error) => out.destroy(error));
    return out;
  }

  async prune(now: number, days: number): Promise<string[]> {
    const oldest = utcDay(now - days * DAY_MS);
    const removed: string[] = [];
    for (const name of await this.segmentNames()) {
      const day = SEGMENT.exec(name)?.[1] ?? '';
      if (day >= oldest || this.handle?.day === day) continue;
      await fs.rm(join(this.dir, name), { force: true });
      this.sizes.delete(name);
      removed.push(name);
    }
    return removed;
  }

  storedBytes(): number {
    let n = 0;
    for (const size of this.sizes.values()) n += size;
    return n;
  }

  lastError(): NodeJS.ErrnoException | undefined {
    return this.error;
  }

  async check(): Promise<{ writable: boolean; freeBytes?: number; error?: string }> {
    let writable = true;
    let error: string | undefined;
    try {
      await fs.access(this.dir, fs.constants.W_OK);
    } catch (e) {
      writable = false;
      error = (e as NodeJS.ErrnoException).code ?? 'not writable';
    }
    try {
      const s = await fs.statfs(this.dir);
      return { writable, freeBytes: s.bavail * s.bsize, ...(error ? { error } : {}) };
    } catch {
      return { writable, ...(error ? { error } : {}) };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.dropHandle();
  }

  private async segmentNames(): Promise<string[]> {
    const names = await fs.readdir(this.dir);
    return names.filter((n) => SEGMENT.test(n)).sort();
  }
}

/**
 * The buffers, one after another, at `position`: one `writev` (no copy into one buffer first);
 * what a short write leaves goes out by `write`. Returns the bytes written.
 */
async function writeAll(file: fs.FileHandle, data: Buffer[], position: number): Promise<number> {
  let total = 0;
  for (const d of data) total += d.length;
  let written = (await file.writev(data, position)).bytesWritten;
  if (written < total) {
    const rest = Buffer.concat(data).subarray(written);
    for (let at = 0; at < rest.length;) {
      const { bytesWritten } = await file.write(rest, at, rest.length - at, position + written + at);
      at += bytesWritten;
    }
    written = total;
  }
  return written;
}

function drainedOrClosed(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

/** A report's own time: app reports carry an ISO `timestamp`, Sentry events ISO or epoch seconds. */
export function recordTime(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const t = (value as { timestamp?: unknown }).timestamp;
  if (typeof t === 'number') return t * 1000;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function keepLine(line: string, filter: ExportFilter): string | undefined {
  if (!line) return undefined;
  let t: number | undefined;
  try {
    t = recordTime(JSON.parse(line));
  } catch {
    return undefined;
  }
  if (t === undefined) return undefined;
  if (filter.since !== undefined && t < filter.since) return undefined;
  if (filter.until !== undefined && t >= filter.until) return undefined;
  return `${line}\n`;
}

/** Splits bytes into lines (without `\n`), maps each, passes on what `map` returns. */
class LineSplit extends Transform {
  private rest = '';
  constructor(private readonly mapLine: (line: string) => string | undefined) {
    super({ readableObjectMode: false });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const text = this.rest + chunk.toString('utf8');
    let from = 0;
    let out = '';
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      out += this.mapLine(text.slice(from, nl)) ?? '';
      from = nl + 1;
    }
    this.rest = text.slice(from);
    done(null, out ? Buffer.from(out) : undefined);
  }
  override _flush(done: TransformCallback): void {
    const out = this.rest ? (this.mapLine(this.rest) ?? '') : '';
    done(null, out ? Buffer.from(out) : undefined);
  }
}

/**
 * After a crash (`kill -9`, power loss), the last line may be cut short: that write was never
 * fsynced, so it never got a 202. Cut the file back to its last complete line; returns the size.
 */
export async function repairTornTail(path: string): Promise<number> {
  const file = await fs.open(path, 'r+');
  try {
    const { size } = await file.stat();
    let end = size;
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await file.read(chunk, 0, end - start, start);
      const nl = chunk.subarray(0, bytesRead).lastIndexOf(10);
      if (nl !== -1) {
        end = start + nl + 1;
        break;
      }
      end = start;
    }
    if (end !== size) {
      await file.truncate(end);
      await file.datasync();
    }
    return end;
  } finally {
    await file.close();
  }
}
