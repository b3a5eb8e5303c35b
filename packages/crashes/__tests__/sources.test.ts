import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSources } from '../src/sources';

let dir: string;
let server: http.Server;
let base: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crash-sources-'));
  writeFileSync(join(dir, 'a.ndjson'), '{"n":1}\n{"n":2}\n');
  writeFileSync(join(dir, 'b.json'), '[{"n":3}]');
  mkdirSync(join(dir, 'dir.json'));
  server = http.createServer((req, res) => {
    if (req.url === '/ok') res.writeHead(200).end('{"n":4}\n');
    else res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function collect(patterns: string[], url?: string) {
  const records: string[] = [];
  const log: string[] = [];
  return readSources(
    { patterns, cwd: dir, userAgent: 'ua', ...(url ? { url } : {}) },
    (r) => records.push(r),
    { info: (m) => log.push(`info: ${m}`), warning: (m) => log.push(`warning: ${m}`) },
  ).then((result) => ({ result, records, log }));
}

describe('readSources', () => {
  it('reads every matched file, then the URL, and says how many records each gave', async () => {
    const { result, records, log } = await collect(['*.ndjson', 'b.json', 'none/*.json'], `${base}/ok`);
    expect(result).toEqual({ records: 4 });
    expect(records).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
    expect(log).toEqual([
      'warning: source pattern "none/*.json" matched no file.',
      `info: Read 2 records from ${join(dir, 'a.ndjson')}.`,
      `info: Read 1 records from ${join(dir, 'b.json')}.`,
      `info: Read 1 records from ${base}/ok.`,
    ]);
  });

  it('returns a message when nothing matched or the URL fails, naming the URL without its query', async () => {
    expect((await collect(['none/*.json'])).result).toEqual({
      error:
        'source matched no files: check the paths (relative to the workspace) and that the export step ran.',
    });
    // A directory is not a file, even when its name matches.
    expect((await collect([`${dir}/dir.json`])).result).toEqual({
      error:
        'source matched no files: check the paths (relative to the workspace) and that the export step ran.',
    });
    expect((await collect([], `${base}/fail?key=secret123`)).result).toEqual({
      error: `source-url answered HTTP 500 (${base}/fail).`,
    });
  });
});
