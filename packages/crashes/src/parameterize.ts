import { replaceEmails } from './scrub';

/**
 * Turns a crash message into a template so that messages differing only in ids, addresses, times
 * or numbers group together (REFERENCE §4, applied in that order: each step sees the placeholders
 * of the steps before it, never the raw values they replaced).
 */
// Like scrub's, every pattern runs in linear time on any text (pathological.test.ts).
const TLDS =
  'com|net|org|io|dev|app|co|de|uk|fr|nl|es|it|eu|us|info|biz|cloud|ai|me|tv|local|internal|lan|corp|example|test|localhost';

/** True of any text the step's pattern can match in: a text it is false of skips the step. */
type CanMatch = (text: string) => boolean;
const has =
  (part: string): CanMatch =>
  (text) =>
    text.includes(part);
const DIGIT = /\d/;
const hasDigit: CanMatch = (text) => DIGIT.test(text);
/** A run of `n` characters that may be hex digits (a few others pass too: a superset is safe). */
const hasHexRun =
  (n: number): CanMatch =>
  (text) => {
    let run = 0;
    for (let i = 0; i < text.length && run < n; i++) {
      const c = text.charCodeAt(i) | 0x20;
      run = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) ? run + 1 : 0;
    }
    return run >= n;
  };

// Each step with a cheap test of whether its pattern can match (a character or string every match
// contains): a message that fails it skips the step, so a pattern is compiled and run only for the
// messages that can match it (start-up, #16). A property test holds every match to its step's test.
export const PARAMETERIZE_STEPS: readonly (readonly [RegExp, string, CanMatch])[] = [
  [/\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>()]+/gi, '<url>', has('://')],
  // At most 16 labels: unbounded, a long run of `a.a.a.…` was retried from every label.
  [
    new RegExp(`\\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,16}(?:${TLDS})\\b`, 'gi'),
    '<host>',
    has('.'),
  ],
  [/\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g, '<ip>', has('.')],
  [
    /(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}|::1)(?![\w:])/gi,
    '<ip>',
    has(':'),
  ],
  // Flutter's identity hashes (`shortHash`): `RenderFlex#e028a`, `_ElementLifecycle#848d9`.
  [/(?<=[\w>)\]])#[0-9a-f]{5}(?![\w])/g, '#<id>', has('#')],
  // A render object's depth below its relayout boundary (`relayoutBoundary=up2`).
  [/\brelayoutBoundary=up\d+\b/g, 'relayoutBoundary=up<num>', has('relayoutBoundary=up')],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>', has('-')],
  [/\b(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})\b/gi, '<hash>', hasHexRun(32)],
  [
    /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g,
    '<date>',
    hasDigit,
  ],
  [
    /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2}(?: GMT| [+-]\d{4})?/g,
    '<date>',
    has(', '),
  ],
  [/\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b/g, '<time>', has(':')],
  [/\b\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d)\b/g, '<duration>', hasDigit],
  [
    /\b\d+(?:\.\d+)? ?(?:nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?)\b/g,
    '<duration>',
    hasDigit,
  ],
  [/\b0x[0-9a-f]+\b/gi, '<hex>', has('0')],
  // Long hex only when it mixes digits and letters: all digits is a number, all letters a word.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>', hasDigit],
  // Integers and decimals alike (`85 pixels`, `3.3 pixels`: one bug), a float as one number
  // (`3.14`), both ends of a range (`0..4`).
  [/(?<!\w)(?<!\d\.)\d+(?:\.\d+)?(?!\w|\.\d)/g, '<num>', hasDigit],
  [/=\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/g, '=<str>', has('=')],
  [/=\s*(?:true|false)\b/g, '=<bool>', has('=')],
];

// Memoized (bounded): fifteen regular expressions per report would cost more than the report.
const memo = new Map<string, string>();

export function parameterize(message: string): string {
  let out = memo.get(message);
  if (out !== undefined) return out;
  out = replaceEmails(message, '<email>');
  for (const [pattern, placeholder, canMatch] of PARAMETERIZE_STEPS) {
    if (canMatch(out)) out = out.replace(pattern, placeholder);
  }
  if (memo.size >= 10_000) memo.clear();
  memo.set(message, out);
  return out;
}
