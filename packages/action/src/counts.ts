/**
 * `12,345`: what `x.toLocaleString('en-US')` prints for an integer, without it. The first
 * `toLocaleString` of a run builds ICU's number formatter, ~40 ms of CPU on a slow runner: more
 * than a third of a bare `node -e 0`, paid by every digest for the one line that counts records.
 * Anything but a safe integer (fractions, -0, NaN, huge values) still goes through ICU.
 */
export function formatCount(x: number): string {
  if (!Number.isSafeInteger(x) || Object.is(x, -0)) return x.toLocaleString('en-US');
  const digits = String(Math.abs(x)).replace(/\B(?=(\d{3})+$)/g, ',');
  return x < 0 ? `-${digits}` : digits;
}
