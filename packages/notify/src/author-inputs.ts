import type { Field } from './notification';

/**
 * `fields`: lines of `Name: value` (a line without a colon continues the previous value), or a
 * JSON object of names to values.
 */
export function parseFields(text: string): { value: Field[] } | { error: string } {
  const t = text.trim();
  if (!t) return { value: [] };
  if (t.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return { error: 'looks like JSON but does not parse; use {"Name": "value"} or lines of Name: value' };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return { error: 'must be a JSON object of names to values' };
    return {
      value: Object.entries(parsed as Record<string, unknown>).map(([name, v]) => ({
        name,
        value: typeof v === 'string' ? v : JSON.stringify(v),
      })),
    };
  }
  const fields: { name: string; value: string }[] = [];
  for (const [i, line] of t.split(/\r?\n/).entries()) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    else if (fields.length) (fields[fields.length - 1] as { value: string }).value += `\n${line.trim()}`;
    else return { error: `line ${i + 1} has no "Name: value" colon` };
  }
  const empty = fields.find((f) => !f.name || !f.value);
  if (empty)
    return { error: `field ${JSON.stringify(empty.name || empty.value)} needs both a name and a value` };
  return { value: fields };
}

/** `started-at`: ISO 8601 or Unix epoch seconds (or milliseconds), as `date +%s` prints. */
export function parseStartedAt(text: string): { value: Date | undefined } | { error: string } {
  const t = text.trim();
  if (!t) return { value: undefined };
  if (/^\d{9,13}(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return { value: new Date(n > 1e11 ? n : n * 1000) };
  }
  const ms = Date.parse(t);
  if (/^\d{4}-\d{2}-\d{2}/.test(t) && !Number.isNaN(ms)) return { value: new Date(ms) };
  return {
    error: `must be an ISO 8601 time (2026-11-28T09:30:00Z) or epoch seconds; got ${JSON.stringify(t)}`,
  };
}
