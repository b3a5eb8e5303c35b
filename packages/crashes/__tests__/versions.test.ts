import { describe, expect, it } from '@jest/globals';
import { compareVersions, versionLabel } from '../src/versions';

describe('compareVersions', () => {
  it.each([
    ['2.10.0', '2.9.3', 1],
    ['2.4.0+88', '2.4.0+80', 1],
    ['2.4.0', '2.4.0+1', -1],
    ['2.4.0-beta', '2.4.0', -1],
    ['2.4.0', '2.4.0', 0],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  it('labels version and build', () => {
    expect(versionLabel('2.4.0', '88')).toBe('2.4.0+88');
    expect(versionLabel('2.4.0', '')).toBe('2.4.0');
  });
});
