import { describe, expect, it } from '@jest/globals';
import { snowflakeTime } from '../src/snowflake';

describe('snowflakeTime', () => {
  it("reads the creation time of Discord's documented example snowflake", () => {
    // discord.com/developers/docs/reference#snowflakes: 175928847299117063 → 2016-04-30 11:18:25.796 UTC
    expect(snowflakeTime('175928847299117063')?.toISOString()).toBe('2016-04-30T11:18:25.796Z');
  });

  it('gives nothing for text that is not an id, or an id before Discord existed', () => {
    expect(snowflakeTime('abc')).toBeUndefined();
    expect(snowflakeTime('12')).toBeUndefined();
  });
});
