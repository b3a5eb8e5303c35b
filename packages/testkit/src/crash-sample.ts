import { crashCorpusLines, HOUR, realisticCorpusLines } from './crash-corpus';

/**
 * A valid crash report as the app sends it (one frame of the app's own code, an hour before `now`),
 * with `extra` laid over it: the report tests vary one field of.
 */
export function sampleCrashReport(
  extra: Record<string, unknown> = {},
  now: number = Date.now(),
): Record<string, unknown> {
  return {
    type: 'StateError',
    message: 'Bad state',
    stackTrace: '#0      Feature.run (package:mara/src/feature.dart:10:5)',
    fatal: true,
    source: 'zone',
    platform: 'android',
    appVersion: '2.4.0',
    buildNumber: '88',
    osVersion: 'Android 14',
    device: 'Pixel 8',
    timestamp: new Date(now - HOUR).toISOString(),
    ...extra,
  };
}

/**
 * The stack traces of 3,000 realistic reports and the first 400 of the known-bugs corpus: the
 * sample equivalence tests compare a fast path with the plain one over.
 */
export function sampleCorpusTraces(now: number): string[] {
  const out: string[] = [];
  for (const line of [
    ...realisticCorpusLines({ now, reports: 3000 }),
    ...[...crashCorpusLines({ now })].slice(0, 400),
  ]) {
    const r = JSON.parse(line) as { stackTrace?: unknown };
    if (typeof r.stackTrace === 'string') out.push(r.stackTrace);
  }
  return out;
}
