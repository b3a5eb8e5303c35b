import { describe, expect, it } from '@jest/globals';
import { escapeMarkdown } from '../src/markdown';
import { parseColor } from '../src/status';

describe('escapeMarkdown on hostile text', () => {
  it('removes bidi and zero-width characters', () => {
    expect(escapeMarkdown('ok\u202Egnp.exe\u200B')).toBe('okgnp.exe');
  });

  it('stays linear on long runs of blank lines and spaces', () => {
    const hostile = `${'\n'.repeat(50_000)}${' '.repeat(50_000)}x`;
    const started = performance.now();
    escapeMarkdown(hostile);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('parseColor', () => {
  it('reads only its own colour names, never inherited properties', () => {
    expect(parseColor('__proto__')).toBeUndefined();
    expect(parseColor('constructor')).toBeUndefined();
    expect(parseColor('red')).toBeGreaterThan(0);
  });
});
