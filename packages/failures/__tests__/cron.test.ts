import { describe, expect, it } from '@jest/globals';
import { longestGapMinutes, parseCron, type Cron } from '../src/cron';

const cron = (text: string): Cron => {
  const parsed = parseCron(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};
const gap = (...texts: string[]) => longestGapMinutes(texts.map(cron));

describe('longestGapMinutes', () => {
  // Examples from GitHub's "Events that trigger workflows: schedule" and crontab(5).
  it('is the step of a regular schedule', () => {
    expect(gap('*/15 * * * *')).toBe(15);
    expect(gap('* * * * *')).toBe(1);
    expect(gap('30 5 * * *')).toBe(1440);
    expect(gap('0 */6 * * *')).toBe(360);
  });

  it('takes the longest gap of an irregular schedule', () => {
    // 5:30 and 17:30 on Monday and Wednesday: Wednesday 17:30 to Monday 5:30.
    expect(gap('30 5,17 * * 1,3')).toBe(4 * 1440 + 12 * 60);
    // Weekdays at 9:00: Friday to Monday.
    expect(gap('0 9 * * 1-5')).toBe(3 * 1440);
    expect(gap('0 9 * * MON-FRI')).toBe(3 * 1440);
    // Minutes 0 and 50: a 50-minute and a 10-minute gap.
    expect(gap('0,50 * * * *')).toBe(50);
  });

  it('knows month lengths and leap years', () => {
    expect(gap('0 0 31 * *')).toBe(61 * 1440); // 31 Aug to 31 Oct: the longest hole
    expect(gap('0 0 29 2 *')).toBe((3 * 365 + 366) * 1440); // 29 Feb 2024 to 29 Feb 2028
    expect(gap('0 0 1 */3 *')).toBe(92 * 1440);
  });

  it('fires on either day field when both are restricted (POSIX)', () => {
    // The 1st and 15th, or any Sunday: never more than a week apart.
    expect(gap('0 0 1,15 * 0')).toBeLessThanOrEqual(7 * 1440);
    expect(gap('0 0 1,15 * *')).toBe(17 * 1440); // 15 Jan to 1 Feb
  });

  it('combines several crons of one workflow', () => {
    expect(gap('0 0 * * *', '0 12 * * *')).toBe(720);
    expect(gap('0 9 * * 1-5', '0 9 * * 6,0')).toBe(1440);
  });

  it('is undefined for a schedule that never fires', () => {
    expect(gap('0 0 30 2 *')).toBeUndefined();
  });
});

describe('parseCron', () => {
  it('refuses what GitHub would not run, naming the field', () => {
    expect(parseCron('*/15 * * *')).toEqual({
      error: '"*/15 * * *" has 4 fields; a schedule cron has 5 (minute hour day month weekday)',
    });
    expect(parseCron('61 * * * *')).toEqual({
      error: '"61 * * * *": the minute field "61" is not a value from 0 to 59',
    });
    expect(parseCron('*/0 * * * *')).toEqual({
      error: '"*/0 * * * *": the minute field "*/0" has a bad step',
    });
    expect(parseCron('@daily')).toMatchObject({ error: expect.stringContaining('1 fields') });
  });

  it('reads 7 as Sunday and names as numbers', () => {
    expect(gap('0 0 * * 7')).toBe(7 * 1440);
    expect(cron('0 0 * JAN,dec SUN').months).toEqual(new Set([1, 12]));
  });
});
