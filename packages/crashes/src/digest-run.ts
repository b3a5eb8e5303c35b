import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Runtime } from '@sre-toolkit/action';
import { formatBytes } from './byte-size';
import { toDigest, windowLabel, type Digest, type DigestContext } from './digest';
import { digestMarkdown } from './digest-summary';
import { CrashGrouper, type GroupingOptions } from './groups';
import { MAX_RECORD_BYTES, ReadBudget } from './reader';
import { readSources, type SourceOptions } from './sources';

/** The steps of a crash-digest run that touch the runtime: read and group, then write it out. */

export interface CollectOptions {
  readonly sources: Omit<SourceOptions, 'budget' | 'onOversized' | 'maxRecord'>;
  readonly grouping: GroupingOptions;
  /** `source-timeout`: reading and grouping together (records are grouped as they are read). */
  readonly timeoutMs: number;
  /** `source-max-bytes`: all sources together, counted as received and again after gzip. */
  readonly maxBytes: number;
  readonly scrub: boolean;
  /** The clock the deadline runs on (the runtime's `now` may be frozen in tests). */
  readonly clock?: () => number;
}

export type Collected = { digest: Digest; records: number; partial?: string } | { error: string };

/** Reads every source into a grouper and turns the grouping into the digest, logging as it goes. */
export async function collectDigest(rt: Runtime, options: CollectOptions): Promise<Collected> {
  const grouper = new CrashGrouper(options.grouping);
  if (!options.grouping.appPackages.length) {
    rt.warning(
      'app-package is empty: only file:…/lib/ frames and Sentry in_app frames count as app code, so most crashes group by type and message.',
      'crash-digest: no app-package',
    );
  }
  const oversized = `record over ${formatBytes(MAX_RECORD_BYTES)}`;
  const read = await readSources(
    {
      ...options.sources,
      budget: new ReadBudget({ timeoutMs: options.timeoutMs, maxBytes: options.maxBytes }, options.clock),
      onOversized: () => grouper.reject(oversized),
    },
    (record) => grouper.addText(record),
    { info: (m) => rt.info(m), warning: (m) => rt.warning(m) },
  );
  if ('error' in read) return read;

  const digest = toDigest(grouper.result(), options.scrub);
  const t = digest.totals;
  rt.info(
    `${read.records.toLocaleString('en-US')} records: ${t.reports} in the last ${windowLabel(options.grouping.windowMs)} in ${t.groups} groups (${t.new} new, ${t.critical} critical), ${t.history} earlier, ${t.rejected} rejected.`,
  );
  if (t.rejected) {
    const reasons = Object.entries(digest.rejected)
      .map(([reason, count]) => `${count} × ${reason}`)
      .join('; ');
    rt.warning(
      `${t.rejected} reports were rejected and not counted: ${reasons}.`,
      'crash-digest: rejected reports',
    );
  }
  return { digest, records: read.records, ...(read.stopped ? { partial: read.stopped } : {}) };
}

/** Writes the digest file, the outputs and the job summary; a message when the file cannot be written. */
export function publishDigest(
  rt: Runtime,
  digest: Digest,
  view: DigestContext,
  file: string,
): string | undefined {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(digest, null, 2));
  } catch (error) {
    return `digest-file ${file} could not be written: ${error instanceof Error ? error.message : String(error)}`;
  }
  rt.info(`Digest written to ${file}.`);
  const report = digestMarkdown(digest, view);
  const t = digest.totals;
  rt.setOutput('total', String(t.reports));
  rt.setOutput('groups', String(t.groups));
  rt.setOutput('new', String(t.new));
  rt.setOutput('critical', String(t.critical));
  rt.setOutput('digest', JSON.stringify(digest.groups.slice(0, view.top)));
  rt.setOutput('report', report);
  rt.appendSummary(report);
  return undefined;
}
