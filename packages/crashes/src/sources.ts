import { formatCount } from '@sre-toolkit/action';
import { describeUrl, forEachFileRecord, isFileError, resolveSourceFiles, SourceError } from './file-records';
import { MAX_RECORD_BYTES, ReadStopped, type ReadBudget } from './read-budget';

export interface SourceOptions {
  /** `source`: paths or globs, relative to `cwd`. */
  readonly patterns: readonly string[];
  readonly cwd: string;
  /** `source-url` and its bearer token. */
  readonly url?: string;
  readonly token?: string;
  readonly userAgent: string;
  /** `source-timeout` and `source-max-bytes`, for all sources together; no limit without them. */
  readonly budget?: ReadBudget;
  /** Called once for each record skipped for being over `maxRecord` bytes. */
  readonly onOversized?: () => void;
  /** Called after each chunk read: reading waits for the promise it returns (ReadOptions.pause). */
  readonly pause?: () => Promise<void> | undefined;
  readonly maxRecord?: number;
  /**
   * Reads the matched files another way (on several threads: grouping-parts.ts) and says what it
   * read, or undefined to leave them to readSources, one after another.
   */
  readonly shares?: (files: readonly string[]) => Promise<SharesRead | undefined>;
}

/** What reading files in shares gave: records per file, in the files' order; why it ended early. */
export interface SharesRead {
  readonly records: readonly number[];
  readonly stopped?: string;
  readonly error?: { readonly file: string; readonly code: string };
}

export interface SourceLog {
  info(message: string): void;
  warning(message: string): void;
}

/** What was read; `stopped` says why reading ended before the end of the sources. */
export type SourceResult = { records: number; stopped?: string } | { error: string };

/**
 * Streams every record of every source into `onRecord`, file by file, then the URL. Problems a
 * user can fix (nothing matched, the URL refused) come back as a message; only bugs throw. When
 * the budget ends reading, the records so far stand, with a warning: a partial digest beats none.
 */
export async function readSources(
  options: SourceOptions,
  onRecord: (text: string) => void,
  log: SourceLog,
): Promise<SourceResult> {
  let records = 0;
  const read = {
    maxRecord: options.maxRecord ?? MAX_RECORD_BYTES,
    onOversized: () => {
      options.onOversized?.();
      records++;
    },
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.pause ? { pause: options.pause } : {}),
  };
  const count = (text: string) => {
    onRecord(text);
    records++;
  };
  const stop = (error: ReadStopped) => {
    const reason = `Reading stopped: ${error.message}. The digest covers only the ${formatCount(records)} records read before.`;
    log.warning(reason);
    return { records, stopped: reason };
  };
  if (options.patterns.length) {
    const { files, unmatched } = await resolveSourceFiles(options.patterns, options.cwd);
    for (const pattern of unmatched)
      log.warning(`source pattern ${JSON.stringify(pattern)} matched no file.`);
    if (!files.length && !options.url) {
      return {
        error:
          'source matched no files: check the paths (relative to the workspace) and that the export step ran.',
      };
    }
    const split = files.length ? await options.shares?.(files) : undefined;
    if (split) {
      for (const [i, n] of split.records.entries()) {
        records += n;
        if (!split.stopped && !split.error) log.info(`Read ${formatCount(n)} records from ${files[i]}.`);
      }
      if (split.error)
        return { error: `source file ${split.error.file} could not be read (${split.error.code}).` };
      if (split.stopped) return stop(new ReadStopped(split.stopped));
    }
    for (const file of split ? [] : files) {
      const before = records;
      try {
        await forEachFileRecord(file, count, read);
      } catch (error) {
        if (error instanceof ReadStopped) return stop(error);
        if (!isFileError(error)) throw error;
        return { error: `source file ${file} could not be read (${error.code}).` };
      }
      log.info(`Read ${formatCount(records - before)} records from ${file}.`);
    }
  }
  if (options.url) {
    const before = records;
    try {
      // Loaded only for a URL: node:https, node:zlib and the stream reader (start-up, #16).
      const { forEachUrlRecord } = await import('./reader');
      await forEachUrlRecord(
        {
          url: options.url,
          userAgent: options.userAgent,
          ...(options.token ? { token: options.token } : {}),
        },
        count,
        read,
      );
    } catch (error) {
      if (error instanceof ReadStopped) return stop(error);
      if (!(error instanceof SourceError)) throw error;
      return { error: `${error.message} (${describeUrl(options.url)}).` };
    }
    log.info(`Read ${formatCount(records - before)} records from ${describeUrl(options.url)}.`);
  }
  return { records };
}
