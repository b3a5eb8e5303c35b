import { parentPort, workerData } from 'node:worker_threads';
import type { ShareAnswer, ShareJob } from './grouping-parts';
import { ReadBudget } from './read-budget';
import { readShare } from './share-reading';
import { StreamingGrouper } from './streaming-grouper';

/** A worker thread's whole life: group the share in workerData, answer with the grouping. */
export async function groupGivenShare(): Promise<void> {
  const job = workerData as ShareJob;
  const grouper = new StreamingGrouper(job.grouping);
  const budget = new ReadBudget(
    { timeoutMs: job.timeoutMs, maxBytes: job.maxBytes },
    Date.now,
    job.startedAt,
  );
  const read = await readShare(grouper, job.ranges, {
    budget,
    maxRecord: job.maxRecord,
    oversized: job.oversized,
  });
  const answer: ShareAnswer = { ...read, share: grouper.share() };
  parentPort?.postMessage(answer);
}
