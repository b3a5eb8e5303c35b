import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashCorpusLines, realisticCorpusLines } from '@sre-toolkit/testkit';
import { forEachFileRecord } from '../src/file-records';
import { LineSplitter } from '../src/record-splitters';
import { groupInShares, planShares } from '../src/grouping-parts';
import { ReadBudget } from '../src/read-budget';
import { readShare } from '../src/share-reading';
import { StreamingGrouper } from '../src/streaming-grouper';
import { UNUSUAL_RECORDS } from './unusual-records';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const OPTIONS = { appPackages: ['mara'], now: NOW, windowMs: 86_400_000, spikeFactor: 3, minEvents: 10 };
const dir = mkdtempSync(join(tmpdir(), 'crash-shares-'));

/** A varied export with records only the schemas decide and ones they reject, spread through it. */
function records(reports = 3000): string[] {
  const out = [...realisticCorpusLines({ now: NOW, reports }), ...crashCorpusLines({ now: NOW })];
  for (let i = 0; i < 50; i++)
    out.splice(i * 53 + 7, 0, UNUSUAL_RECORDS[i % UNUSUAL_RECORDS.length] as string);
  return out;
}

const budget = () => new ReadBudget({ timeoutMs: 60_000, maxBytes: 2 ** 40 });
const READ = { maxRecord: 1024 * 1024, oversized: 'record over 1 MiB' };

async function sequential(files: string[]): Promise<ReturnType<StreamingGrouper['result']>> {
  const g = new StreamingGrouper(OPTIONS);
  for (const file of files)
    await forEachFileRecord(file, (t) => g.addText(t), {
      ...READ,
      onOversized: () => g.reject(READ.oversized),
      pause: () => (g.unsettled ? g.settle() : undefined),
    });
  await g.settle();
  return g.result();
}

describe('StreamingGrouper.merge', () => {
  it('gives what one grouper reading everything in order gives, wherever the records are cut', async () => {
    const all = records();
    const one = new StreamingGrouper(OPTIONS);
    for (const r of all) one.addText(r);
    await one.settle();
    const expected = one.result();
    expect(expected.groups.length).toBeGreaterThan(50);
    expect(expected.totals.rejected).toBeGreaterThan(20);
    for (const cuts of [[1], [all.length >> 1], [17, 1200, 2901], [all.length - 1]]) {
      const bounds = [0, ...cuts, all.length];
      const groupers = bounds.slice(1).map((end, k) => {
        const g = new StreamingGrouper(OPTIONS);
        for (const r of all.slice(bounds[k], end)) g.addText(r);
        return g;
      });
      for (const g of groupers) await g.settle();
      const [first, ...rest] = groupers as [StreamingGrouper, ...StreamingGrouper[]];
      // What a worker thread sends is a structured clone.
      for (const g of rest) first.merge(structuredClone(g.share()));
      expect(first.result()).toEqual(expected);
    }
  });

  it('breaks ties the way one grouper does: the earlier record names the group', async () => {
    const template = JSON.parse(records(5).find((r) => r.includes('"stackTrace"')) as string);
    const at = new Date(NOW - 3_600_000).toISOString();
    const report = (message: string) => JSON.stringify({ ...template, message, timestamp: at });
    const all = [report('first'), report('second')];
    const one = new StreamingGrouper(OPTIONS);
    for (const r of all) one.addText(r);
    await one.settle();
    const [a, b] = all.map((r) => {
      const g = new StreamingGrouper(OPTIONS);
      g.addText(r);
      return g;
    }) as [StreamingGrouper, StreamingGrouper];
    await a.settle();
    await b.settle();
    expect(one.result().groups).toHaveLength(1);
    a.merge(structuredClone(b.share()));
    expect(a.result().groups[0]?.title).toBe(one.result().groups[0]?.title);
    expect(a.result()).toEqual(one.result());
  });
});

describe('planShares and readShare', () => {
  it('cut files at line starts into ranges that read, in order, every record exactly once', async () => {
    const long = JSON.stringify({ type: 'E', message: 'x'.repeat(200_000) });
    const texts = [
      records(400).join('\n'),
      // CRLF, blank lines, a line that opens an array, a line longer than a search window, no final newline.
      ['{"a":1}', '', '[1]', long, '  {"b":2}  ', '{"c":3}'].join('\r\n'),
      '',
      `${records(300).join('\n')}\n`,
    ];
    const files = texts.map((t, i) => {
      const file = join(dir, `part-${i}.ndjson`);
      writeFileSync(file, t);
      return { file, size: Buffer.byteLength(t) };
    });
    const expected: string[] = [];
    for (const f of files) await forEachFileRecord(f.file, (t) => expected.push(t));
    for (const count of [2, 3, 5, 16]) {
      const shares = planShares(files, count);
      expect(shares.length).toBeLessThanOrEqual(count);
      const seen: string[] = [];
      for (const ranges of shares) {
        for (const r of ranges) {
          const bytes = readFileSync(r.file);
          expect(r.from === 0 || bytes[r.from - 1] === 10).toBe(true);
          expect(r.to === bytes.length || bytes[r.to - 1] === 10).toBe(true);
        }
        const g = new StreamingGrouper(OPTIONS);
        const spy = g.addText.bind(g);
        g.addText = (t: string) => {
          seen.push(t);
          spy(t);
        };
        await readShare(g, ranges, { ...READ, budget: budget() });
      }
      expect(seen).toEqual(expected);
    }
  });
});

describe('the record cap', () => {
  it('measures a line from its first byte that is not blank, wherever the chunks are cut', () => {
    const max = 64;
    const report = '{"a":"' + 'x'.repeat(40) + '"}';
    // Leading blanks that alone would push the line over the cap; the record itself is under it.
    const text = `{"b":1}\n${' '.repeat(max)}${report}\n{"c":2}\n`;
    const bytes = Buffer.from(text);
    const seen = new Set<string>();
    for (let cut = 1; cut < bytes.length; cut++) {
      const got: string[] = [];
      let over = 0;
      const splitter = new LineSplitter((t) => got.push(t.trim()), {
        maxRecord: max,
        onOversized: () => over++,
      });
      splitter.push(bytes.subarray(0, cut));
      splitter.push(bytes.subarray(cut));
      splitter.end();
      seen.add(`${got.join('|')} over=${over}`);
    }
    expect([...seen]).toEqual([`{"b":1}|${report}|{"c":2} over=0`]);
  });
});

describe('groupInShares', () => {
  const big = (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, `${records(2000).join('\n')}\n`);
    return file;
  };

  it('leaves small exports to one thread', async () => {
    const file = big('small.ndjson');
    const g = new StreamingGrouper(OPTIONS);
    const split = await groupInShares([{ file, size: 1000 }], g, {
      ...READ,
      script: '/nonexistent/worker.js',
      grouping: OPTIONS,
      budget: budget(),
      info: () => undefined,
    });
    expect(split).toBeUndefined();
  });

  it('leaves files it cannot read, a JSON array, or one huge line to one thread (which reports them)', async () => {
    const file = big('readable.ndjson');
    const size = readFileSync(file).length;
    const array = join(dir, 'array.json');
    writeFileSync(array, `${' '.repeat(10)}[${records(50).slice(0, 40).join(',')}]`);
    const line = join(dir, 'line.ndjson');
    writeFileSync(line, 'x'.repeat(5000));
    const cases = [
      [
        { file, size },
        { file: join(dir, 'missing.ndjson'), size: 10 },
      ],
      [
        { file, size },
        { file: array, size: readFileSync(array).length },
      ],
      [{ file: line, size: 5000 }],
    ];
    for (const files of cases) {
      const g = new StreamingGrouper(OPTIONS);
      const split = await groupInShares(files, g, {
        ...READ,
        script: '/nonexistent/worker.js',
        grouping: OPTIONS,
        budget: budget(),
        info: () => undefined,
        minShareBytes: 1,
        threads: 2,
      });
      expect(split).toBeUndefined();
    }
  });

  it('reads a failed worker’s share itself, and says so: the digest is the same', async () => {
    const file = big('fallback.ndjson');
    const expected = await sequential([file]);
    for (const script of [join(dir, 'missing.mjs'), join(dir, 'exits.mjs'), join(dir, 'throws.mjs')]) {
      writeFileSync(join(dir, 'exits.mjs'), 'process.exit(3);\n');
      writeFileSync(join(dir, 'throws.mjs'), 'throw new Error("boom");\n');
      const g = new StreamingGrouper(OPTIONS);
      const told: string[] = [];
      // Sizes as if the file were large, so it is split (what is read is the file as it is).
      const size = readFileSync(file).length;
      const split = await groupInShares([{ file, size }], g, {
        ...READ,
        script,
        grouping: OPTIONS,
        budget: budget(),
        info: (m) => told.push(m),
        minShareBytes: 1,
        threads: 2,
      });
      expect(split?.records.reduce((a, b) => a + b, 0)).toBe(
        readFileSync(file, 'utf8').trim().split('\n').length,
      );
      expect(told.join('\n')).toMatch(/grouping thread failed .*read on the main thread/);
      expect(g.result()).toEqual(expected);
    }
  });
});
