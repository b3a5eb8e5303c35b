import { cleanText, formatCount, formatDuration } from '@sre-toolkit/action';
import { TONES } from '@sre-toolkit/discord';
import { FINGERPRINT_VERSION } from './fingerprint';
import type { CrashGroup, Grouping, Trend } from './groups';
import { scrub } from './scrub';

/** What leaves the runner: the grouping with every free text scrubbed (unless scrub is off). */
export interface Digest extends Grouping {
  readonly fingerprint_version: string;
}

/**
 * Report text is hostile: every free text shown anywhere loses its invisible characters first, and
 * is scrubbed unless scrub is off. Versions and platforms were validated on the way in.
 */
export function toDigest(grouping: Grouping, scrubText: boolean): Digest {
  const clean = scrubText ? (t: string) => scrub(cleanText(t)) : cleanText;
  return {
    fingerprint_version: FINGERPRINT_VERSION,
    window: grouping.window,
    totals: grouping.totals,
    rejected: Object.fromEntries(Object.entries(grouping.rejected).map(([k, v]) => [clean(k), v])),
    groups: grouping.groups.map((g) => ({
      ...g,
      title: clean(g.title),
      type: clean(g.type),
      culprit: clean(g.culprit),
      versions: g.versions.map(clean),
      platforms: g.platforms.map(clean),
      sample: g.sample.map(clean),
    })),
  };
}

export interface DigestContext {
  /** `acme/mara`: where the crashes come from, for titles. */
  readonly where: string;
  /** Link for embed titles: the run that made the digest. */
  readonly url?: string;
  readonly top: number;
  /** How the window is named in titles, e.g. `24h` (defaults to a formatted duration). */
  readonly windowLabel?: string;
  /** Why reading stopped before the end of the sources, when it did: the digest is partial. */
  readonly partial?: string;
}

export const ARROWS: Record<Trend, string> = { new: '🆕', up: '↑', down: '↓', flat: '→' };
export const FLAG_WORDS: Record<string, string> = {
  'new fatal': '🆕 new fatal',
  regressed: '🔁 regressed',
  spike: '📈 spike',
};
/** A count as people read it: 12,345. */
export { formatCount };
export const plural = (x: number, word: string, many = `${word}s`) =>
  `${formatCount(x)} ${x === 1 ? word : many}`;

/** `24h`, `7d`, `90m`: how a window reads in a title (24 hours is a day, but people say 24h). */
export function windowLabel(ms: number): string {
  const hours = ms / 3_600_000;
  if (Number.isInteger(hours / 24) && hours >= 48) return `${hours / 24}d`;
  if (Number.isInteger(hours)) return `${hours}h`;
  return formatDuration(ms);
}

export function flagsOf(g: CrashGroup): string[] {
  return [
    ...(g.new ? ['new'] : []),
    ...(g.fatal ? ['fatal'] : []),
    ...(g.regressed ? ['regressed'] : []),
    ...(g.spike ? ['spike'] : []),
  ];
}

/** The digest's title, the same in Discord and the job summary. */
export function headline(d: Digest, ctx: DigestContext): { title: string; tone: keyof typeof TONES } {
  const span = ctx.windowLabel ?? windowLabel(d.window.duration_ms);
  if (!d.totals.reports)
    return {
      title: `${TONES.success.emoji} No crashes in ${ctx.where} in the last ${span}`,
      tone: 'success',
    };
  const tone = d.totals.critical ? 'warning' : 'info';
  const news = d.totals.new ? `, ${formatCount(d.totals.new)} new` : '';
  return {
    title: `${TONES[tone].emoji} ${plural(d.totals.reports, 'crash', 'crashes')} in ${ctx.where} in the last ${span}: ${plural(d.totals.groups, 'group')}${news}`,
    tone,
  };
}
