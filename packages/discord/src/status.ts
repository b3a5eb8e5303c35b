/**
 * What a colour and an emoji mean, the same in all four actions: a reader who learns that red ❌
 * means "broken" in #deploys reads #alerts and #crashes the same way.
 */
export type Tone = 'success' | 'failure' | 'warning' | 'cancelled' | 'skipped' | 'info';

export const TONES: Record<Tone, { readonly color: number; readonly emoji: string; readonly word: string }> =
  {
    success: { color: 0x2ea043, emoji: '✅', word: 'succeeded' },
    failure: { color: 0xd1242f, emoji: '❌', word: 'failed' },
    warning: { color: 0xd29922, emoji: '⚠️', word: 'degraded' },
    cancelled: { color: 0x8c959f, emoji: '🚫', word: 'was cancelled' },
    skipped: { color: 0x8c959f, emoji: '⏭️', word: 'was skipped' },
    info: { color: 0x0969da, emoji: 'ℹ️', word: 'ran' },
  };

export const NAMED_COLORS: Record<string, number> = {
  red: 0xd1242f,
  green: 0x2ea043,
  yellow: 0xd29922,
  orange: 0xe16f24,
  blue: 0x0969da,
  purple: 0x8250df,
  grey: 0x8c959f,
  gray: 0x8c959f,
  black: 0x1f2328,
  white: 0xffffff,
  ...Object.fromEntries(Object.entries(TONES).map(([k, v]) => [k, v.color])),
};

/** `red`, `#ff0000`, `0xff0000` or an integer 0…16777215. */
export function parseColor(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  // Own properties only: `__proto__` or `constructor` is no colour.
  if (Object.hasOwn(NAMED_COLORS, t)) return NAMED_COLORS[t];
  let n: number | undefined;
  if (/^#[0-9a-f]{6}$/.test(t)) n = parseInt(t.slice(1), 16);
  else if (/^#[0-9a-f]{3}$/.test(t)) n = parseInt([...t.slice(1)].map((c) => c + c).join(''), 16);
  else if (/^0x[0-9a-f]{1,6}$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^\d{1,8}$/.test(t)) n = Number(t);
  return n !== undefined && n >= 0 && n <= 0xffffff ? n : undefined;
}
