/**
 * FNV-1a over the length and about 32 characters spread over the text: a few dozen operations
 * however long the trace (every report's trace is hashed, so this is on the hot path). For the
 * cache's buckets and admission only (see TraceCache): traces it does not tell apart share a
 * bucket, and comparing them costs a memcmp each.
 */
export function sampledHash(text: string): number {
  const n = text.length;
  let h = (0x811c9dc5 ^ n) >>> 0;
  const step = (n >> 5) + 1;
  for (let i = n >> 6; i < n; i += step) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  // 30 bits: a small integer to V8, stored in the set without an allocation.
  return h & 0x3fffffff;
}
