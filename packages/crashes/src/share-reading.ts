import { statSync } from 'node:fs';
import { forEachFileRecord, isFileError } from './file-records';
import type { GroupingOptions } from './groups';
import { ReadStopped, type ReadBudget } from './read-budget';
import type { SharesRead } from './sources';
import type { StreamingGrouper } from './streaming-grouper';

/** A stretch of a file from a line's start to just after a line's end (or the file's end). */
export interface ShareRange {
  readonly file: string;
  readonly from: number;
  readonly to: number;
}

/** A share smaller than this is not worth a thread (starting one costs ~30 ms). */
export const MIN_SHARE_BYTES = 16 * 1024 * 1024;

/** Grouping large exports on several threads (grouping-parts.ts). */
export interface SharesOptions {
  /** The action's bundle: what a worker thread runs. */
  readonly script: string;
  readonly grouping: GroupingOptions;
  readonly budget: ReadBudget;
  readonly maxRecord: number;
  readonly oversized: string;
  /** Where a worker's failure is told (its share is then read on this thread). */
  readonly info: (message: string) => void;
  /** Tests: the smallest share (MIN_SHARE_BYTES) and the cores to use (all the runner has). */
  readonly minShareBytes?: number;
  readonly threads?: number;
}

/** The files with their sizes; undefined if one cannot be read (readSources then says why). */
export function sizesOf(files: readonly string[]): { file: string; size: number }[] | undefined {
  try {
    return files.map((file) => ({ file, size: statSync(file).size }));
  } catch {
    return undefined;
  }
}

export interface ShareReadOptions {
  readonly budget: ReadBudget;
  readonly maxRecord: number;
  /** The rejection reason for a record over `maxRecord` (collectDigest's). */
  readonly oversized: string;
}

/**
 * Groups the records of `ranges` into `grouper`, in order, as readSources would read those bytes:
 * records are counted per range; the budget, or a file that cannot be read, ends the share early.
 * Only bugs throw.
 */
export async function readShare(
  grouper: StreamingGrouper,
  ranges: readonly ShareRange[],
  options: ShareReadOptions,
): Promise<SharesRead> {
  const records: number[] = [];
  const read = {
    maxRecord: options.maxRecord,
    budget: options.budget,
    onOversized: () => {
      grouper.reject(options.oversized);
      n++;
    },
    pause: () => (grouper.unsettled ? grouper.settle() : undefined),
  };
  let n = 0;
  const add = (text: string) => {
    grouper.addText(text);
    n++;
  };
  let ended: { stopped: string } | { error: { file: string; code: string } } | undefined;
  for (const range of ranges) {
    n = 0;
    try {
      await forEachFileRecord(range.file, add, { ...read, what: range.file }, range);
    } catch (error) {
      if (error instanceof ReadStopped) ended = { stopped: error.message };
      else if (isFileError(error)) ended = { error: { file: range.file, code: error.code } };
      else throw error;
    }
    records.push(n);
    if (ended) break;
  }
  await grouper.settle();
  return { records, ...ended };
}
