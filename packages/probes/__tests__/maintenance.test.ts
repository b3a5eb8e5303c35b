import { describe, expect, it } from '@jest/globals';
import { cronMatches, maintenanceOf, namesTarget, parseCron, parseMaintenance } from '../src/maintenance';
import { loadYaml } from '../src/yaml-parser';

// The parsers take the YAML library loaded beforehand (as health-probe's run does).
await loadYaml();

const at = (iso: string) => new Date(iso);

describe('maintenance windows', () => {
  it('covers a fixed window from its start up to its end', () => {
    const w = parseMaintenance('- {targets: [api], start: "2026-12-01T03:00Z", end: "2026-12-01T04:00Z"}');
    if (!('value' in w)) throw new Error(w.error);
    expect(maintenanceOf('api', at('2026-12-01T03:00:00Z'), w.value, [])).toBe(
      'window 2026-12-01 03:00 UTC to 2026-12-01 04:00 UTC',
    );
    expect(maintenanceOf('api', at('2026-12-01T04:00:00Z'), w.value, [])).toBeUndefined();
    expect(maintenanceOf('web', at('2026-12-01T03:30:00Z'), w.value, [])).toBeUndefined();
  });

  it('covers a weekly cron window for its duration, in UTC', () => {
    const w = parseMaintenance(`- {cron: '0 3 * * 0', duration: 1h}`);
    if (!('value' in w)) throw new Error(w.error);
    // 2026-11-29 is a Sunday.
    expect(maintenanceOf('any', at('2026-11-29T03:00:00Z'), w.value, [])).toBe(
      'window cron 0 3 * * 0 for 1h',
    );
    expect(maintenanceOf('any', at('2026-11-29T03:59:59Z'), w.value, [])).toBeDefined();
    expect(maintenanceOf('any', at('2026-11-29T04:00:00Z'), w.value, [])).toBeUndefined();
    expect(maintenanceOf('any', at('2026-11-30T03:30:00Z'), w.value, [])).toBeUndefined();
  });

  it('reads cron fields as cron does: ranges, steps, lists, Sunday as 7, day OR weekday', () => {
    const c = parseCron('*/15 9-17 1,15 * 1-5');
    if (!('value' in c)) throw new Error(c.error);
    expect(cronMatches(c.value, at('2026-12-01T09:45:00Z'))).toBe(true); // a Tuesday
    expect(cronMatches(c.value, at('2026-12-01T09:50:00Z'))).toBe(false);
    expect(cronMatches(c.value, at('2026-11-15T10:00:00Z'))).toBe(true); // a Sunday, but the 15th
    expect(cronMatches(c.value, at('2026-11-29T10:00:00Z'))).toBe(false); // a Sunday, the 29th
    const sunday = parseCron('0 0 * * 7');
    expect('value' in sunday && cronMatches(sunday.value, at('2026-11-29T00:00:00Z'))).toBe(true);
  });

  it('names what is wrong with a window', () => {
    expect(parseMaintenance('api')).toEqual({
      error: expect.stringMatching(/^must be a YAML list of windows/) as unknown as string,
    });
    expect(parseMaintenance('- {targets: [api], cron: "0 3 * * 0"}')).toEqual({
      error: 'item 1: needs a duration with its cron, like 30m, 1h or 2h30m (at most 7 days)',
    });
    expect(parseMaintenance('- {cron: "61 3 * * 0", duration: 1h}')).toEqual({
      error: 'item 1: cron has "61" as minute, outside 0-59',
    });
    expect(parseMaintenance('- {start: "2026-12-01T04:00Z", end: "2026-12-01T03:00Z"}')).toEqual({
      error: 'item 1: ends before it starts',
    });
    expect(parseMaintenance('- {targets: api, when: now}')).toEqual({
      error: 'item 1: has unknown key "when"; known keys: targets, start, end, cron, duration',
    });
  });

  it('silences the targets a maintenance issue names as whole words only', () => {
    const issues = [{ number: 12, body: 'Deploying api.example.com/health and db. Back soon.' }];
    expect(maintenanceOf('db', at('2026-12-01T00:00:00Z'), [], issues)).toBe('issue #12');
    expect(maintenanceOf('api.example.com/health', at('2026-12-01T00:00:00Z'), [], issues)).toBe('issue #12');
    expect(maintenanceOf('api', at('2026-12-01T00:00:00Z'), [], issues)).toBeUndefined();
    expect(namesTarget('the web-admin panel', 'web')).toBe(false);
    expect(namesTarget('`web`, api', 'web')).toBe(true);
  });
});
