import { describe, expect, it } from '@jest/globals';
import { crashCorpusLines, realisticCorpusLines } from '@sre-toolkit/testkit';
import { CrashGrouper } from '../src/groups';
import { StreamingGrouper } from '../src/streaming-grouper';
import { UNUSUAL_RECORDS } from './unusual-records';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const OPTIONS = { appPackages: ['mara'], now: NOW, windowMs: 86_400_000, spikeFactor: 3, minEvents: 10 };

/** Records the plain checks pass, and ones only the schemas decide (to accept or to reject). */
function records(): string[] {
  const out = [...realisticCorpusLines({ now: NOW, reports: 1500 }), ...crashCorpusLines({ now: NOW })];
  const unusual = [
    ...UNUSUAL_RECORDS,
    JSON.stringify({ ...JSON.parse(out[3] as string), appVersion: '99.[x](y)' }),
  ];
  // Spread through the export, so waiting records and the ones after them interleave.
  for (let i = 0; i < 60; i++) out.splice(i * 37 + 5, 0, unusual[i % unusual.length] as string);
  return out;
}

describe('StreamingGrouper', () => {
  it('groups exactly as CrashGrouper, records waiting for the schemas included, however it is settled', async () => {
    const all = records();
    const eager = new CrashGrouper(OPTIONS);
    for (const r of all) eager.addText(r);
    const expected = eager.result();
    expect(expected.totals.rejected).toBeGreaterThan(40);

    for (const every of [1, 97, 1000, Number.POSITIVE_INFINITY]) {
      const lazy = new StreamingGrouper(OPTIONS);
      let n = 0;
      for (const r of all) {
        lazy.addText(r);
        if (++n % every === 0 && lazy.unsettled) await lazy.settle();
      }
      await lazy.settle();
      expect(lazy.unsettled).toBe(false);
      expect(lazy.result()).toEqual(expected);
    }
  });

  it('keeps a record the plain checks do not accept, and every one after it, until settled', async () => {
    const lazy = new StreamingGrouper(OPTIONS);
    lazy.addText('{"type":"StateError"}');
    lazy.addText('not json');
    expect(lazy.unsettled).toBe(true);
    expect(lazy.result().totals.rejected).toBe(0);
    await lazy.settle();
    expect(lazy.result().rejected).toEqual({ 'crash report: message is missing': 1, 'not valid JSON': 1 });
  });
});
