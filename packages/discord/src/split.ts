/**
 * Splits text into parts of at most `max` UTF-16 units, each cut at the last line break that fits,
 * else the last space, else (one unbroken word) at `max`, never inside a surrogate pair. Parts are
 * trimmed; no text is lost but the whitespace at a cut.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const head = rest.slice(0, max + 1);
    // A break exactly at `max` still leaves `max` units before it.
    let cut = head.lastIndexOf('\n');
    if (cut < max / 2) cut = Math.max(cut, lastSpace(head));
    if (cut <= 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** The last space or tab, found without a regex (linear, no backtracking on hostile input). */
function lastSpace(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) return i;
  }
  return -1;
}
