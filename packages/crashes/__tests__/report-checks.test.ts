import { describe, expect, it } from '@jest/globals';
import * as z from 'zod';
import { TIMESTAMP } from '../src/report-checks';

describe('report checks without zod', () => {
  it("writes out exactly the pattern of zod's z.iso.datetime({ offset: true })", () => {
    const pattern = z.iso.datetime({ offset: true })._zod.def.pattern;
    expect(pattern).toBeInstanceOf(RegExp);
    expect(TIMESTAMP.source).toBe(pattern?.source);
    expect(TIMESTAMP.flags).toBe(pattern?.flags);
  });
});
