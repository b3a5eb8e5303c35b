import { createHash } from 'node:crypto';
import { parameterize } from './parameterize';
import type { Crash, Frame } from './normalize';
import { MAX_FINGERPRINT_FRAMES, MAX_FINGERPRINT_OFFSETS } from './report-normalize';

/** Bump when the algorithm changes, so old and new groups never merge silently (REFERENCE §4). */
export const FINGERPRINT_VERSION = 'fp:v2';
export { MAX_FINGERPRINT_FRAMES, MAX_FINGERPRINT_OFFSETS };

export interface Fingerprint {
  /** `fp:v2:` and 16 hex digits of a SHA-256. */
  readonly fingerprint: string;
  /**
   * What the hash was made of: in-app frames; else, for an obfuscated trace, its build and the
   * offsets of its top frames; else the message.
   */
  readonly basis: 'frames' | 'addresses' | 'message';
  /** The frames that counted, as `package/file function`, most recent first. */
  readonly components: readonly string[];
  /** The top in-app frame, e.g. `login_page.dart in _LoginPageState._submit.<fn>`. */
  readonly culprit: string;
}

/** A frame's contribution: package (or the app's) + file basename + normalized function; never line/column. */
export function frameKey(frame: Frame, appPackage: string): string {
  const pkg = frame.package || appPackage;
  return `${pkg ? `${pkg}/` : ''}${frame.file.toLowerCase()} ${frame.function}`;
}

export function fingerprintCrash(crash: Crash, appPackage = ''): Fingerprint {
  const components: string[] = [];
  let culprit = '';
  if (!crash.obfuscated) {
    for (const frame of crash.frames) {
      if (!frame.inApp) continue;
      const key = frameKey(frame, appPackage);
      // Recursion: consecutive identical frames count once.
      if (components[components.length - 1] === key) continue;
      if (!culprit) culprit = `${frame.file} in ${frame.function}`;
      components.push(key);
      if (components.length === MAX_FINGERPRINT_FRAMES) break;
    }
  }
  if (components.length) {
    return { fingerprint: hash([crash.type, ...components]), basis: 'frames', components, culprit };
  }
  if (crash.obfuscated && crash.offsets?.length) {
    // No symbols: the same crash site is the same offsets in the same build (README: trade-off).
    const offsets = crash.offsets.slice(0, MAX_FINGERPRINT_OFFSETS);
    const build = `build ${crash.buildId ?? 'unknown'}`;
    return {
      fingerprint: hash([crash.type, build, ...offsets]),
      basis: 'addresses',
      components: [build, ...offsets],
      culprit: `${offsets[0]} (${build.slice(0, 14)})`,
    };
  }
  const template = parameterize(crash.message);
  return { fingerprint: hash([crash.type, template]), basis: 'message', components: [template], culprit: '' };
}

// Memoized (bounded): a large export hashes the same few keys hundreds of thousands of times.
const hashes = new Map<string, string>();

function hash(parts: readonly string[]): string {
  const text = [FINGERPRINT_VERSION, ...parts].join('\n');
  let fp = hashes.get(text);
  if (fp === undefined) {
    fp = `${FINGERPRINT_VERSION}:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    if (hashes.size >= 10_000) hashes.clear();
    hashes.set(text, fp);
  }
  return fp;
}

/** `StateError: Bad state: user <num> not found`, the title Sentry would show. */
export function groupTitle(crash: Crash): string {
  const message = parameterize(crash.message).replace(/\s+/g, ' ').trim();
  return message ? `${crash.type}: ${message}` : crash.type;
}
