import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatCount } from '../src/counts';

describe('formatCount', () => {
  it('groups the digits of an integer in threes with commas', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-20000)).toBe('-20,000');
    expect(formatCount(Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254,740,991');
  });

  it('prints what toLocaleString("en-US") prints, for every number', () => {
    const number = fc.oneof(
      fc.integer(),
      fc.maxSafeInteger(),
      fc.double(),
      fc.constantFrom(-0, NaN, Infinity, -Infinity, 2 ** 60, 1.5, 1e21),
    );
    fc.assert(
      fc.property(number, (x) => formatCount(x) === x.toLocaleString('en-US')),
      { numRuns: 2000 },
    );
  });
});
