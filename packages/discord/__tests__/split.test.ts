import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { splitText } from '../src/split';

describe('splitText', () => {
  it('cuts at the last line break that fits', () => {
    const text = `${'a'.repeat(6)}\n${'b'.repeat(6)}\n${'c'.repeat(6)}`;
    expect(splitText(text, 14)).toEqual(['aaaaaa\nbbbbbb', 'cccccc']);
  });

  it('cuts at a space when no line break is near', () => {
    expect(splitText('one two three four five', 10)).toEqual(['one two', 'three four', 'five']);
  });

  it('cuts one unbroken word at the limit, never inside a surrogate pair', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(splitText(`${'x'.repeat(9)}😀yy`, 10)).toEqual(['x'.repeat(9), '😀yy']);
  });

  it('keeps every word, each part within the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 4, max: 60 }),
        (s, max) => {
          const parts = splitText(s, max);
          for (const p of parts) expect(p.length).toBeLessThanOrEqual(max);
          expect(parts.join('').replace(/\s+/g, '')).toBe(s.replace(/\s+/g, ''));
        },
      ),
    );
  });
});
