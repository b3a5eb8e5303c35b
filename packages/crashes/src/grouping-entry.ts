/**
 * How the action's bundle knows it runs as a grouping thread (grouping-parts.ts): the argument
 * the worker is started with. Kept apart so the entry checks it without loading the rest.
 */
export const SHARE_ARG = '--sre-toolkit-crash-digest-share';

/** True in a worker thread started to group one share of an export. */
export const isGroupingShare = (): boolean => process.argv.includes(SHARE_ARG);

/** Groups the share the worker was given and posts the result to the thread that started it. */
export const groupShare = async (): Promise<void> => (await import('./grouping-worker')).groupGivenShare();
