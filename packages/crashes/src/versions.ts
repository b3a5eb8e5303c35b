/**
 * Orders app versions: `2.10.0` after `2.9.3`, then by build number. Non-numeric parts compare
 * as text, so `2.4.0-beta` sorts before `2.4.0`.
 */
export function compareVersions(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    // A missing part is 0, so `2.4.0` follows its pre-release `2.4.0-beta` (marked -1).
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x < y ? -1 : 1;
    } else if (typeof x === 'number') return -1;
    else if (typeof y === 'number') return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `2.4.1` + `88` → `2.4.1+88`; the build alone when no version. */
export function versionLabel(appVersion: string, buildNumber: string): string {
  return buildNumber ? `${appVersion}+${buildNumber}` : appVersion;
}

/** Versions are validated to at most 64 characters; anything longer compares by its start. */
const MAX_VERSION = 64;

/**
 * Split versions by their text (bounded): a large export compares the same few versions for
 * nearly every report, and splitting them each time cost more than the rest of grouping a report.
 * The parts are never changed once made.
 */
const splits = new Map<string, readonly (number | string)[]>();
const MAX_SPLITS = 4096;

function split(v: string): readonly (number | string)[] {
  let parts = splits.get(v);
  if (parts === undefined) {
    parts = splitOnce(v);
    if (splits.size >= MAX_SPLITS) splits.clear();
    splits.set(v, parts);
  }
  return parts;
}

function splitOnce(v: string): (number | string)[] {
  const [core = '', pre] = v.slice(0, MAX_VERSION).split(/[-]/, 2);
  const parts: (number | string)[] = core.split(/[.+]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  // A pre-release sorts before its release: `2.4.0-beta` < `2.4.0`.
  if (pre !== undefined) parts.push(-1, pre);
  return parts;
}
