import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  forEachFileRecord,
  forEachRecord,
  forEachUrlRecord,
  JsonArraySplitter,
  resolveSourceFiles,
  type UrlSource,
} from '../src/reader';

/** Splits text into chunks of `size`, so values straddle chunk boundaries. */
function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  const splitter = new JsonArraySplitter((t) => out.push(t));
  for (const c of chunks(text, size)) splitter.push(c);
  splitter.end();
  return out;
}

async function records(text: string, size: number): Promise<string[]> {
  const out: string[] = [];
  await forEachRecord(Readable.from(chunks(text, size)), (t) => out.push(t));
  return out;
}

async function fromUrl(source: UrlSource): Promise<string[]> {
  const out: string[] = [];
  await forEachUrlRecord(source, (t) => out.push(t));
  return out;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crash-reader-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JsonArraySplitter', () => {
  const values = [
    { a: 1, s: 'comma, bracket ] brace } quote \\" end' },
    [1, [2, { x: '[' }]],
    'plain string',
    42,
    null,
    { nested: { deep: ['\\', '"'] } },
  ];
  const text = ` [\n${values.map((v) => JSON.stringify(v)).join(' ,\n  ')}\n]\n`;

  it.each([1, 2, 3, 7, 64, 100_000])('yields each element whole with chunks of %i characters', (size) => {
    const elements = split(text, size);
    expect(elements.map((e) => JSON.parse(e) as unknown)).toEqual(values);
  });

  it('yields nothing for an empty array and reads arrays that follow one another', () => {
    expect(split('[]', 1)).toEqual([]);
    expect(split('[1,2]\n[3]', 2)).toEqual(['1', '2', '3']);
  });

  it('hands over the rest of a truncated file, for JSON.parse to reject', () => {
    expect(split('[{"a":1},{"b":', 4)).toEqual(['{"a":1}', '{"b":']);
  });
});

describe('forEachRecord', () => {
  it('reads NDJSON line by line, skipping blank lines, the blanks that open a line and CRLF ends, after a BOM', async () => {
    // A line starts at its first byte that is not blank, however the chunks fall (the record cap
    // counts from there too).
    expect(await records('\uFEFF{"a":1}\r\n\n  {"b":2}\n{"c":', 5)).toEqual(['{"a":1}', '{"b":2}', '{"c":']);
  });

  it('sniffs a JSON array behind leading whitespace', async () => {
    expect(await records('\n\n  [ {"a":1}, {"b":2} ]', 3)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('yields nothing for an empty input', async () => {
    expect(await records('  \n ', 2)).toEqual([]);
  });

  it.each([
    ['NDJSON', '{"m":"crème brûlée 💥"}\n{"m":"ß"}\n'],
    ['a JSON array', '[{"m":"crème brûlée 💥"},{"m":"ß"}]'],
  ])('keeps multi-byte characters split between chunks whole in %s', async (_name, text) => {
    const bytes = Buffer.from(`\uFEFF${text}`, 'utf8');
    const oneByteChunks = Array.from(bytes, (b) => Buffer.from([b]));
    const out: string[] = [];
    await forEachRecord(Readable.from(oneByteChunks), (t) => out.push(t));
    expect(out.map((t) => JSON.parse(t) as unknown)).toEqual([{ m: 'crème brûlée 💥' }, { m: 'ß' }]);
  });

  it('rejects when the callback throws, and stops reading', async () => {
    let calls = 0;
    const stream = Readable.from(chunks('{"a":1}\n{"b":2}\n{"c":3}\n', 8));
    await expect(
      forEachRecord(stream, () => {
        calls++;
        throw new Error('bug');
      }),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});

describe('files', () => {
  it('resolves globs relative to the workspace, sorted, each file once, and names unmatched patterns', async () => {
    mkdirSync(join(dir, 'exports', 'b'), { recursive: true });
    writeFileSync(join(dir, 'exports', 'b', '2.ndjson'), '{"x":2}\n');
    writeFileSync(join(dir, 'exports', '1.json'), '[{"x":1}]');
    const r = await resolveSourceFiles(
      ['exports/**/*.{json,ndjson}', 'exports/1.json', 'missing/*.json'],
      dir,
    );
    expect(r.files).toEqual([join(dir, 'exports', '1.json'), join(dir, 'exports', 'b', '2.ndjson')]);
    expect(r.unmatched).toEqual(['missing/*.json']);
    const out: string[] = [];
    await forEachFileRecord(join(dir, 'exports', '1.json'), (t) => out.push(t));
    expect(out).toEqual(['{"x":1}']);
  });

  it('reads every record of a file over several MiB intact, those straddling its 1 MiB reads too', async () => {
    // Records from a few bytes to 600 KB (some span a whole read), non-ASCII split across reads.
    const records = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({ i, text: `${'é€'.repeat((i * 7919) % 97)}${'x'.repeat((i * 104_729) % 600_000)}` }),
    );
    const total = records.reduce((n, r) => n + Buffer.byteLength(r), 0);
    expect(total).toBeGreaterThan(4 * 1024 * 1024);
    for (const [name, text] of [
      ['big.ndjson', `${records.join('\n')}\n`],
      ['big.json', `[${records.join(',\n')}]`],
    ] as const) {
      writeFileSync(join(dir, name), text);
      const out: string[] = [];
      await forEachFileRecord(join(dir, name), (t) => out.push(t));
      expect(out.length).toBe(records.length);
      expect(out).toEqual(records);
    }
  });
});

describe('urlRecords', () => {
  const requests: { url: string; auth: string | undefined; host: string | undefined }[] = [];
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({ url: req.url ?? '', auth: req.headers.authorization, host: req.headers.host });
      if (req.url === '/gz') {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync('{"z":1}\n{"z":2}\n'));
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/data' }).end();
      } else if (req.url === '/offsite') {
        // Same server under another origin name: the token must not follow.
        res.writeHead(302, { location: base.replace('127.0.0.1', 'localhost') + '/data' }).end();
      } else if (req.url === '/data') {
        res.writeHead(200).end('[{"d":1}]');
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it('sends the bearer token, follows a same-origin redirect with it, and reads gzip', async () => {
    requests.length = 0;
    expect(await fromUrl({ url: `${base}/moved`, token: 't0k', userAgent: 'ua' })).toEqual(['{"d":1}']);
    expect(await fromUrl({ url: `${base}/gz`, token: 't0k', userAgent: 'ua' })).toEqual([
      '{"z":1}',
      '{"z":2}',
    ]);
    expect(requests.map((r) => [r.url, r.auth])).toEqual([
      ['/moved', 'Bearer t0k'],
      ['/data', 'Bearer t0k'],
      ['/gz', 'Bearer t0k'],
    ]);
  });

  it('drops the token on a redirect to another origin', async () => {
    requests.length = 0;
    await fromUrl({ url: `${base}/offsite`, token: 't0k', userAgent: 'ua' });
    expect(requests.map((r) => [r.url, r.auth])).toEqual([
      ['/offsite', 'Bearer t0k'],
      ['/data', undefined],
    ]);
  });

  it('fails with a message naming the status', async () => {
    await expect(fromUrl({ url: `${base}/nope`, userAgent: 'ua' })).rejects.toThrow(
      'source-url answered HTTP 404 (check source-url)',
    );
  });
});
