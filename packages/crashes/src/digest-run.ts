import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatCount, type RunContext, type Runtime } from '@sre-toolkit/action';
import type { GitHubClientOptions } from '@sre-toolkit/github';
import type { CrashIssueStore } from './crash-issues';
import { formatBytes } from './byte-size';
import { toDigest, windowLabel, type Digest, type DigestContext } from './digest';
import { digestMarkdown } from './digest-summary';
import type { GroupingOptions } from './groups';
import { MAX_RECORD_BYTES, ReadBudget } from './read-budget';
import { readSources, type SharesRead, type SourceOptions } from './sources';
import { MIN_SHARE_BYTES, sizesOf, type SharesOptions } from './share-reading';
import { StreamingGrouper } from './streaming-grouper';

/** The steps of a crash-digest run that touch the runtime: read and group, then write it out. */

export interface CollectOptions {
  readonly sources: Omit<SourceOptions, 'budget' | 'onOversized' | 'maxRecord' | 'pause'>;
  readonly grouping: GroupingOptions;
  /** `source-timeout`: reading and grouping together (records are grouped as they are read). */
  readonly timeoutMs: number;
  /** `source-max-bytes`: all sources together, counted as received and again after gzip. */
  readonly maxBytes: number;
  readonly scrub: boolean;
  /** The clock the deadline runs on (the runtime's `now` may be frozen in tests). */
  readonly clock?: () => number;
  /**
   * The action's bundle, to group large exports on worker threads too (grouping-parts.ts);
   * without it, one thread reads everything.
   */
  readonly script?: string;
}

export type Collected = { digest: Digest; records: number; partial?: string } | { error: string };

/** Reads every source into a grouper and turns the grouping into the digest, logging as it goes. */
export async function collectDigest(rt: Runtime, options: CollectOptions): Promise<Collected> {
  const grouper = new StreamingGrouper(options.grouping);
  if (!options.grouping.appPackages.length) {
    rt.warning(
      'app-package is empty: only file:…/lib/ frames and Sentry in_app frames count as app code, so most crashes group by type and message.',
      'crash-digest: no app-package',
    );
  }
  const oversized = `record over ${formatBytes(MAX_RECORD_BYTES)}`;
  const budget = new ReadBudget({ timeoutMs: options.timeoutMs, maxBytes: options.maxBytes }, options.clock);
  const { script } = options;
  const read = await readSources(
    {
      ...options.sources,
      budget,
      ...(script
        ? {
            shares: (files) =>
              inShares(files, grouper, {
                script,
                grouping: options.grouping,
                budget,
                maxRecord: MAX_RECORD_BYTES,
                oversized,
                info: (m) => rt.info(m),
              }),
          }
        : {}),
      onOversized: () => grouper.reject(oversized),
      // A record only the schemas can decide loads them before the next chunk (most runs never).
      pause: () => (grouper.unsettled ? grouper.settle() : undefined),
    },
    (record) => grouper.addText(record),
    { info: (m) => rt.info(m), warning: (m) => rt.warning(m) },
  );
  if ('error' in read) return read;
  await grouper.settle();

  const digest = toDigest(grouper.result(), options.scrub);
  const t = digest.totals;
  rt.info(
    `${formatCount(read.records)} records: ${t.reports} in the last ${windowLabel(options.grouping.windowMs)} in ${t.groups} groups (${t.new} new, ${t.critical} critical), ${t.history} earlier, ${t.rejected} rejected.`,
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

/** Large exports on several threads; the module that does it is loaded only for them. */
async function inShares(
  files: readonly string[],
  grouper: StreamingGrouper,
  options: SharesOptions,
): Promise<SharesRead | undefined> {
  const sized = sizesOf(files);
  if (!sized || sized.reduce((n, f) => n + f.size, 0) < 2 * MIN_SHARE_BYTES) return undefined;
  return (await import('./grouping-parts')).groupInShares(sized, grouper, options);
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

export interface TrackOptions {
  readonly github: Omit<GitHubClientOptions, 'baseUrl' | 'log'>;
  readonly windowLabel: string;
  readonly readOnly: boolean;
  /** A store to use instead of the repository's issues (tests). */
  readonly store?: CrashIssueStore;
}

/**
 * `issues: true`: crash groups as GitHub issues (crash-issues.ts). When GitHub fails, the digest
 * and alerts still go out, without issue links, and a warning says why.
 */
export async function trackCrashIssues(
  rt: Runtime,
  ctx: RunContext,
  digest: Digest,
  options: TrackOptions,
): Promise<Digest> {
  // Loaded only here: the GitHub client (Octokit, undici) is most of the bundle, and a digest
  // without `issues: true` never needs it, nor the issue rules (start-up time, bench/crash-digest).
  const store =
    options.store ?? (await import('./crash-issues-github')).crashIssueStoreFor(rt, ctx, options.github);
  if (!store) return digest;
  const { syncCrashIssues } = await import('./crash-issues');
  try {
    const tracked = await syncCrashIssues(digest, store, {
      windowLabel: options.windowLabel,
      readOnly: options.readOnly,
      log: (m) => rt.info(m),
    });
    const counts = new Map<string, number>();
    for (const g of tracked.groups)
      if (g.issue) counts.set(g.issue.status, (counts.get(g.issue.status) ?? 0) + 1);
    rt.info(
      `Crash issues: ${[...counts].map(([s, c]) => `${c} ${s}`).join(', ') || 'none for the groups in this window'}.`,
    );
    return tracked;
  } catch (error) {
    rt.warning(
      `${error instanceof Error ? error.message : String(error)}; the digest goes out without crash issues.`,
      'crash-digest: crash issues',
    );
    return digest;
  }
}
