import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { formatBytes } from './byte-size';
import { isFileError } from './file-records';
import { SHARE_ARG } from './grouping-entry';
import type { GroupingShare } from './group-state';
import type { GroupingOptions } from './groups';
import type { ReadBudget } from './read-budget';
import { BOM, isBlank, OPEN_ARRAY } from './record-splitters';
import { MIN_SHARE_BYTES, readShare, type ShareRange, type SharesOptions } from './share-reading';
import type { SharesRead } from './sources';
import { StreamingGrouper } from './streaming-grouper';

/**
 * Large NDJSON exports grouped on several threads: the files are cut at line ends into equal
 * shares; this thread groups the first while worker threads (the action's own bundle, started with
 * SHARE_ARG) group the others, and their groupers are merged in order (StreamingGrouper.merge), so
 * the digest is the one a single thread gives. Reading and JSON.parse are most of the work and
 * every record stands alone, so the shares run side by side. Loaded only for exports that large.
 */

/**
 * Threads at most: each keeps its own caches and heap (tens of MB), so peak memory stays under
 * the 300 MB the digest promises however many cores the runner has.
 */
const MAX_SHARES = 2;
/**
 * The worker's young generation kept small: its garbage is short-lived JSON, and a small new space
 * stays in cache (the main thread cannot be given V8 flags). Measured on the realistic export:
 * 4 MB against 16 and 48, the worker's share took ~6% less CPU and the peak RSS 15–30 MB less.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };
/** How long past the read deadline a worker may take to answer before this thread reads its share. */
const ANSWER_GRACE_MS = 30_000;

/** What a worker is given (structured-cloned). */
export interface ShareJob {
  readonly ranges: readonly ShareRange[];
  readonly grouping: GroupingOptions;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly startedAt: number;
  readonly maxRecord: number;
  readonly oversized: string;
}

/** What a worker answers. */
export type ShareAnswer = SharesRead & { readonly share: GroupingShare };

/**
 * Groups `files` (with their sizes) into `grouper` on several threads, or undefined when they are
 * not worth splitting (small, a JSON array, over the byte budget, one core): readSources reads them.
 */
export async function groupInShares(
  files: readonly { readonly file: string; readonly size: number }[],
  grouper: StreamingGrouper,
  options: SharesOptions,
): Promise<SharesRead | undefined> {
  const total = files.reduce((n, f) => n + f.size, 0);
  const count = Math.min(
    options.threads ?? availableParallelism(),
    MAX_SHARES,
    Math.floor(total / (options.minShareBytes ?? MIN_SHARE_BYTES)),
  );
  if (count < 2 || total > options.budget.limits.maxBytes) return undefined;
  const shares = planned(files, count);
  if (!shares) return undefined;
  options.info(`${formatBytes(total)} of NDJSON: grouped on ${shares.length} threads, a share each.`);
  const { budget } = options;
  const job = (ranges: readonly ShareRange[]): ShareJob => ({
    ranges,
    grouping: options.grouping,
    timeoutMs: budget.limits.timeoutMs,
    maxBytes: budget.limits.maxBytes,
    startedAt: budget.startedAt,
    maxRecord: options.maxRecord,
    oversized: options.oversized,
  });
  const answers = shares.slice(1).map((ranges) => askWorker(options.script, job(ranges), budget));
  const read = { budget, maxRecord: options.maxRecord, oversized: options.oversized };
  const parts: SharesRead[] = [await readShare(grouper, shares[0] ?? [], read)];
  for (const [i, answer] of answers.entries()) {
    const ranges = shares[i + 1] ?? [];
    let got = await answer;
    if ('failed' in got) {
      options.info(`A grouping thread failed (${got.failed}); its share is read on the main thread.`);
      const own = new StreamingGrouper(options.grouping);
      got = { ...(await readShare(own, ranges, read)), share: own.share() };
    }
    grouper.merge(got.share);
    parts.push(got);
  }
  return combine(files, shares, parts);
}

/**
 * The shares, or undefined when the files are not worth splitting: one is a JSON array, no line
 * ends past the first cut (one huge line), or one cannot be read (readSources then says so, as
 * it always does: an unreadable file is a message, never a crash).
 */
function planned(
  files: readonly { readonly file: string; readonly size: number }[],
  count: number,
): ShareRange[][] | undefined {
  try {
    if (!files.every((f) => isNdjson(f.file))) return undefined;
    const shares = planShares(files, count);
    return shares.length < 2 ? undefined : shares;
  } catch (error) {
    if (isFileError(error)) return undefined;
    throw error;
  }
}

/** Per file records, in the files' order; the first share (in order) that ended early says why. */
function combine(
  files: readonly { readonly file: string }[],
  shares: readonly (readonly ShareRange[])[],
  parts: readonly SharesRead[],
): SharesRead {
  const records = files.map(() => 0);
  const index = new Map(files.map((f, i) => [f.file, i]));
  for (const [k, part] of parts.entries())
    for (const [j, n] of part.records.entries()) {
      const at = index.get(shares[k]?.[j]?.file ?? '');
      if (at !== undefined) records[at] = (records[at] ?? 0) + n;
    }
  const ended = parts.find((p) => p.stopped !== undefined || p.error !== undefined);
  return {
    records,
    ...(ended?.error ? { error: ended.error } : ended?.stopped ? { stopped: ended.stopped } : {}),
  };
}

/** Runs one share on a worker thread; a crash, an early exit or no answer in time is `failed`. */
function askWorker(
  script: string,
  job: ShareJob,
  budget: ReadBudget,
): Promise<ShareAnswer | { failed: string }> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(script, {
        argv: [SHARE_ARG],
        workerData: job,
        resourceLimits: WORKER_LIMITS,
        stdout: true,
        stderr: true,
      });
    } catch (error) {
      resolve({ failed: error instanceof Error ? error.message : String(error) });
      return;
    }
    // A worker prints nothing; were it to, that text would not reach the log unescaped.
    worker.stdout.resume();
    worker.stderr.resume();
    const done = (answer: ShareAnswer | { failed: string }) => {
      clearTimeout(timer);
      resolve(answer);
      void worker.terminate();
    };
    const timer = setTimeout(
      () => done({ failed: 'no answer in time' }),
      Math.max(0, budget.left()) + ANSWER_GRACE_MS,
    );
    worker.once('message', (answer: ShareAnswer) => done(answer));
    worker.once('error', (error) => done({ failed: error.message }));
    worker.once('exit', (code) => done({ failed: `exit ${code}` }));
  });
}

/** Cuts the files, as one run of bytes, into `count` shares at line starts (empty shares dropped). */
export function planShares(
  files: readonly { readonly file: string; readonly size: number }[],
  count: number,
): ShareRange[][] {
  const total = files.reduce((n, f) => n + f.size, 0);
  const cuts: number[] = [];
  for (let k = 1; k < count; k++) cuts.push(lineStartAtOrAfter(files, Math.floor((total * k) / count)));
  const bounds = [0, ...cuts, total].filter((b, i, all) => i === 0 || b > (all[i - 1] as number));
  const shares: ShareRange[][] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [lo, hi] = [bounds[k] as number, bounds[k + 1] as number];
    const ranges: ShareRange[] = [];
    let start = 0;
    for (const f of files) {
      const from = Math.max(lo, start) - start;
      const to = Math.min(hi, start + f.size) - start;
      if (to > from) ranges.push({ file: f.file, from, to });
      start += f.size;
    }
    shares.push(ranges);
  }
  return shares;
}

/** The first line start at or after `offset` (a file's start is one), as an offset into all files. */
function lineStartAtOrAfter(
  files: readonly { readonly file: string; readonly size: number }[],
  offset: number,
): number {
  let start = 0;
  for (const f of files) {
    if (offset <= start) return start;
    if (offset < start + f.size) return start + afterNewline(f.file, offset - start - 1, f.size);
    start += f.size;
  }
  return start;
}

/** The offset just after the first newline at or after `at` in the file, or its size if none. */
function afterNewline(file: string, at: number, size: number): number {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (let pos = at; pos < size;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      const i = buf.subarray(0, n).indexOf(10);
      if (i !== -1) return pos + i + 1;
      pos += n;
    }
    return size;
  } finally {
    closeSync(fd);
  }
}

/**
 * An NDJSON file: its first character that is not blank (nor a byte-order mark) opens no array.
 * A file that is empty or all blank (shorter than the bytes looked at) counts too: it holds no record.
 */
function isNdjson(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    // The sniff RecordSink makes, on the first 4 KiB.
    let i = n >= BOM.length && buf.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0;
    while (i < n && isBlank(buf[i] as number)) i++;
    return i < n ? buf[i] !== OPEN_ARRAY : n < buf.length;
  } finally {
    closeSync(fd);
  }
}
