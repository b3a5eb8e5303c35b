import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { NdjsonSegmentStore, repairTornTail } from '../src/store';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const line = (ts: string, m: string) => JSON.stringify({ timestamp: ts, message: m });

describe('NdjsonSegmentStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'segments-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one file per UTC day of receipt, lines in the order appended', async () => {
    let now = NOW;
    const store = new NdjsonSegmentStore(dir, () => now);
    await store.open();
    await Promise.all([
      store.append([line('2026-11-30T10:00:00Z', 'a')]),
      store.append([line('2026-11-30T10:00:01Z', 'b'), line('2026-11-30T10:00:02Z', 'c')]),
    ]);
    now = NOW + DAY;
    await store.append([line('2026-12-01T10:00:00Z', 'd')]);
    await store.close();
    expect(readdirSync(dir).sort()).toEqual(['crashes-2026-11-30.ndjson', 'crashes-2026-12-01.ndjson']);
    expect(readFileSync(join(dir, 'crashes-2026-11-30.ndjson'), 'utf8')).toBe(
      `${line('2026-11-30T10:00:00Z', 'a')}\n${line('2026-11-30T10:00:01Z', 'b')}\n${line('2026-11-30T10:00:02Z', 'c')}\n`,
    );
    expect(store.storedBytes()).toBe(
      readFileSync(join(dir, 'crashes-2026-11-30.ndjson')).length +
        readFileSync(join(dir, 'crashes-2026-12-01.ndjson')).length,
    );
  });

  it('exports in the order received, filtered by each report’s own timestamp', async () => {
    const store = new NdjsonSegmentStore(dir, () => NOW);
    await store.open();
    await store.append([
      line('2026-11-29T23:00:00Z', 'late'),
      line('2026-11-30T01:00:00Z', 'x'),
      line('2026-11-28T01:00:00Z', 'old'),
    ]);
    const all = await text(store.exportStream());
    expect(
      all
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { message: string }).message),
    ).toEqual(['late', 'x', 'old']);
    const since = await text(
      store.exportStream({
        since: Date.parse('2026-11-29T00:00:00Z'),
        until: Date.parse('2026-11-30T00:00:00Z'),
      }),
    );
    expect(since).toBe(`${line('2026-11-29T23:00:00Z', 'late')}\n`);
    await store.close();
  });

  it('deletes segments older than the retention, keeping the rest', async () => {
    for (const day of ['2026-08-01', '2026-09-01', '2026-11-29'])
      writeFileSync(join(dir, `crashes-${day}.ndjson`), `${line(`${day}T00:00:00Z`, day)}\n`);
    writeFileSync(join(dir, 'notes.txt'), 'not a segment');
    const store = new NdjsonSegmentStore(dir, () => NOW);
    await store.open();
    expect(await store.prune(NOW, 90)).toEqual(['crashes-2026-08-01.ndjson']);
    expect(readdirSync(dir).sort()).toEqual([
      'crashes-2026-09-01.ndjson',
      'crashes-2026-11-29.ndjson',
      'notes.txt',
    ]);
    await store.close();
  });

  it('cuts a torn last line back to the last complete one, however long it is', async () => {
    const path = join(dir, 'crashes-2026-11-30.ndjson');
    const good = `${line('2026-11-30T10:00:00Z', 'a')}\n`;
    writeFileSync(path, `${good}{"timestamp":"2026-11-30T10:00:01Z","message":"${'x'.repeat(200_000)}`);
    expect(await repairTornTail(path)).toBe(Buffer.byteLength(good));
    expect(readFileSync(path, 'utf8')).toBe(good);
    writeFileSync(path, 'no newline at all');
    expect(await repairTornTail(path)).toBe(0);
    writeFileSync(path, good);
    expect(await repairTornTail(path)).toBe(Buffer.byteLength(good));
  });
});
