import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { embedLength, fitEmbeds, LIMITS, truncate } from '../src/truncate';

describe('truncate', () => {
  it('leaves text within the limit as it is, trimmed', () => {
    expect(truncate('  hello world  ', 20)).toBe('hello world');
  });

  it('cuts a title of 300 characters to 256 at a word boundary with an ellipsis', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const out = truncate(words, 256);
    expect(out.length).toBeLessThanOrEqual(256);
    expect(out.endsWith('…')).toBe(true);
    expect(out).toMatch(/word\d+…$/);
    expect(words.startsWith(out.slice(0, -1))).toBe(true);
  });

  it('cuts a single long word hard when there is no boundary nearby', () => {
    expect(truncate('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(10); // 20 UTF-16 units
    const out = truncate(text, 6);
    expect(out).toBe('😀😀…');
    expect(out.length).toBeLessThanOrEqual(6);
  });

  it('keeps every result within the limit and free of lone surrogates', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 1, max: 300 }),
        (s, max) => {
          const out = truncate(s, max);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(out.isWellFormed()).toBe(true);
        },
      ),
    );
  });
});

describe('fitEmbeds', () => {
  it('brings ten full embeds under the 6000-character total, keeping titles', () => {
    const embeds = Array.from({ length: 12 }, (_, i) => ({
      title: `Embed ${i}`,
      description: 'x '.repeat(3000),
      fields: [{ name: 'f', value: 'y '.repeat(600) }],
    }));
    const fitted = fitEmbeds(embeds);
    expect(fitted).toHaveLength(LIMITS.embeds);
    expect(fitted.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(6000);
    expect(fitted.map((e) => e.title)).toEqual(Array.from({ length: 10 }, (_, i) => `Embed ${i}`));
  });

  it('caps fields at 25 and fills empty names and values', () => {
    const [e] = fitEmbeds([
      { title: 't', fields: Array.from({ length: 30 }, () => ({ name: ' ', value: '' })) },
    ]);
    expect(e?.fields).toHaveLength(25);
    expect(e?.fields?.[0]).toEqual({ name: '—', value: '—' });
  });
});
