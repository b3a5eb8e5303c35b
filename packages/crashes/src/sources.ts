import { describeUrl, forEachFileRecord, forEachUrlRecord, resolveSourceFiles, SourceError } from './reader';

export interface SourceOptions {
  /** `source`: paths or globs, relative to `cwd`. */
  readonly patterns: readonly string[];
  readonly cwd: string;
  /** `source-url` and its bearer token. */
  readonly url?: string;
  readonly token?: string;
  readonly userAgent: string;
}

export interface SourceLog {
  info(message: string): void;
  warning(message: string): void;
}

/**
 * Streams every record of every source into `onRecord`, file by file, then the URL. Problems a
 * user can fix (nothing matched, the URL refused) come back as a message; only bugs throw.
 */
export async function readSources(
  options: SourceOptions,
  onRecord: (text: string) => void,
  log: SourceLog,
): Promise<{ records: number } | { error: string }> {
  let records = 0;
  const count = (text: string) => {
    onRecord(text);
    records++;
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
    for (const file of files) {
      const before = records;
      try {
        await forEachFileRecord(file, count);
      } catch (error) {
        if (!isFileError(error)) throw error;
        return { error: `source file ${file} could not be read (${error.code}).` };
      }
      log.info(`Read ${(records - before).toLocaleString('en-US')} records from ${file}.`);
    }
  }
  if (options.url) {
    const before = records;
    try {
      await forEachUrlRecord(
        {
          url: options.url,
          userAgent: options.userAgent,
          ...(options.token ? { token: options.token } : {}),
        },
        count,
      );
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      return { error: `${error.message} (${describeUrl(options.url)}).` };
    }
    log.info(`Read ${(records - before).toLocaleString('en-US')} records from ${describeUrl(options.url)}.`);
  }
  return { records };
}

function isFileError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
