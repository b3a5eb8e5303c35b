import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { formatBytes, parseByteSize } from '../src/byte-size';
import { forEachFileRecord, forEachRecord, ReadBudget, ReadStopped } from '../src/reader';
import { readSources } from '../src/sources';

const MiB = 1024 * 1024;

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

async function read(text: string, size: number, maxRecord: number) {
  const records: string[] = [];
  let oversized = 0;
  await forEachRecord(Readable.from(chunks(text, size)), (t) => records.push(t), {
    maxRecord,
    onOversized: () => oversized++,
  });
  return { records, oversized };
}

let dir: string;
let server: http.Server;
let base: string;
const record = (n: number) => JSON.stringify({ n });
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crash-limits-'));
  server = http.createServer((req, res) => {
    if (req.url === '/endless') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      let n = 0;
      const more = () => {
        while (res.write(`${record(n++)}\n`));
        res.once('drain', more);
      };
      more();
      res.on('close', () => res.removeAllListeners('drain'));
    } else if (req.url === '/bomb') {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(gzipSync(`${record(1)}\n${record(2)}\n${'\n'.repeat(8 * MiB)}${record(3)}\n`));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('record size', () => {
  const big = `{"m":"${'x'.repeat(100)}"}`;
  it.each([1, 7, 64, 10_000])(
    'skips an NDJSON line over the limit and counts it, with chunks of %i characters',
    async (size) => {
      const text = `${record(1)}\n${big}\n${record(2)}\n${big}`;
      expect(await read(text, size, 50)).toEqual({ records: [record(1), record(2)], oversized: 2 });
    },
  );

  it.each([1, 7, 64, 10_000])(
    'skips a JSON array element over the limit and counts it, with chunks of %i characters',
    async (size) => {
      const text = `[${record(1)}, ${big} ,${record(2)},${big}]`;
      expect(await read(text, size, 50)).toEqual({ records: [record(1), record(2)], oversized: 2 });
    },
  );

  it('counts a skipped record as a record read', async () => {
    writeFileSync(join(dir, 'big.ndjson'), `${record(1)}\n${'y'.repeat(MiB + 1)}\n${record(2)}\n`);
    let oversized = 0;
    const result = await readSources(
      { patterns: ['big.ndjson'], cwd: dir, userAgent: 'ua', onOversized: () => oversized++ },
      () => {},
      { info: () => {}, warning: () => {} },
    );
    expect(result).toEqual({ records: 3 });
    expect(oversized).toBe(1);
  });
});

describe('blank input', () => {
  it('reads 64 MiB of blank lines around two records, from a file, without joining them', async () => {
    const blank = Buffer.alloc(32 * MiB, '\n');
    const file = join(dir, 'blank.ndjson');
    writeFileSync(file, Buffer.concat([blank, Buffer.from(`${record(1)}\n`), blank, Buffer.from(record(2))]));
    const records: string[] = [];
    await forEachFileRecord(file, (t) => records.push(t));
    expect(records).toEqual([record(1), record(2)]);
  });

  it.each([3, 100])(
    'skips blank lines of spaces, tabs and CRLF ends, with chunks of %i characters',
    async (size) => {
      const { records } = await read(
        ` \t\r\n\r\n${record(1)}\r\n \t\r\n\r\n  ${record(2)}\r\n \n`,
        size,
        100,
      );
      expect(records.map((r) => JSON.parse(r) as unknown)).toEqual([{ n: 1 }, { n: 2 }]);
    },
  );
});

describe('ReadBudget', () => {
  it('stops a file at the byte cap, naming it, before reading past it', async () => {
    const file = join(dir, 'capped.ndjson');
    writeFileSync(file, Buffer.alloc(3 * MiB, '\n'));
    const budget = new ReadBudget({ timeoutMs: 60_000, maxBytes: 2 * MiB });
    await expect(forEachFileRecord(file, () => {}, { budget })).rejects.toThrow(
      new ReadStopped(`source-max-bytes (2 MiB) reached in ${file}`),
    );
  });

  it('stops a file when the clock passes the deadline, between chunks', async () => {
    const file = join(dir, 'slow.ndjson');
    writeFileSync(file, Array.from({ length: 300_000 }, (_, i) => record(i)).join('\n'));
    let now = 0;
    const budget = new ReadBudget({ timeoutMs: 1000, maxBytes: 1e12 }, () => now);
    let records = 0;
    await expect(
      forEachFileRecord(file, () => void (++records === 10 && (now = 1000)), { budget }),
    ).rejects.toThrow(`source-timeout (1s) ran out reading ${file}`);
    // The first 1 MiB chunk is read whole, then the deadline stops it.
    expect(records).toBeGreaterThan(10);
    expect(records).toBeLessThan(300_000);
  });

  it('ends an endless source-url at the deadline and keeps the records read so far', async () => {
    const warnings: string[] = [];
    let records = 0;
    const result = await readSources(
      {
        patterns: [],
        cwd: dir,
        url: `${base}/endless`,
        userAgent: 'ua',
        budget: new ReadBudget({ timeoutMs: 300, maxBytes: 1e12 }),
      },
      () => void records++,
      { info: () => {}, warning: (m) => warnings.push(m) },
    );
    expect(records).toBeGreaterThan(0);
    const text = `Reading stopped: source-timeout (300ms) ran out reading ${base}/endless. The digest covers only the ${records.toLocaleString('en-US')} records read before.`;
    expect(result).toEqual({ records, stopped: text });
    expect(warnings).toEqual([text]);
  });

  it('stops a gzip bomb at the cap on unpacked bytes', async () => {
    const records: string[] = [];
    const result = await readSources(
      {
        patterns: [],
        cwd: dir,
        url: `${base}/bomb`,
        userAgent: 'ua',
        budget: new ReadBudget({ timeoutMs: 60_000, maxBytes: MiB }),
      },
      (t) => records.push(t),
      { info: () => {}, warning: () => {} },
    );
    expect(records).toEqual([record(1), record(2)]);
    expect(result).toEqual({
      records: 2,
      stopped: `Reading stopped: source-max-bytes (1 MiB) reached unpacking the gzip body of ${base}/bomb. The digest covers only the 2 records read before.`,
    });
  });
});

describe('byte sizes', () => {
  it('reads sizes in bytes, KiB, MiB and GiB, and nothing else', () => {
    expect(['512MiB', '64 KiB', '1gib', '1000', '1.5KiB', '10MB', 'lots', '-1'].map(parseByteSize)).toEqual([
      512 * MiB,
      64 * 1024,
      1024 * MiB,
      1000,
      1536,
      undefined,
      undefined,
      undefined,
    ]);
    expect([512 * MiB, 1536, 300, 2 * 1024 * MiB].map(formatBytes)).toEqual([
      '512 MiB',
      '1.5 KiB',
      '300 bytes',
      '2 GiB',
    ]);
  });
});
