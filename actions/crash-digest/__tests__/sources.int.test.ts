import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runAction, type ActionRun } from '@sre-toolkit/testkit';
import { crashReport, digestSandbox, DIGEST_HOOK as HOOK } from './fixtures';

const MiB = 1024 * 1024;

const report = (i: number) => JSON.stringify(crashReport({ message: `Bad state ${i}`, fatal: false }));

/** Hostile crash exports: endless, trickling, a gzip bomb, a server that never answers. */
function hostileExport(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/endless') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let i = 0;
    const more = () => {
      while (!res.destroyed && res.write(`${report(i++)}\n`));
    };
    res.on('drain', more);
    more();
  } else if (req.url === '/trickle') {
    // One report, then a byte every half second: never idle long enough for a socket timeout.
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(`${report(0)}\n${report(1)}\n`);
    const timer = setInterval(() => res.write(' '), 500);
    res.on('close', () => clearInterval(timer));
  } else if (req.url === '/bomb') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
    res.end(bomb);
  } else if (req.url === '/silent') {
    // Accepts the request and never answers.
  } else res.writeHead(404).end();
}

const box = digestSandbox('crash-sources');

// 64 MiB of newlines between two reports packs into about 64 KiB.
let bomb: Buffer;
let server: http.Server;
let base: string;
beforeAll(async () => {
  bomb = gzipSync(
    Buffer.concat([
      Buffer.from(`${report(0)}\n`),
      Buffer.alloc(64 * MiB, '\n'),
      Buffer.from(`${report(1)}\n`),
    ]),
  );
  server = http.createServer(hostileExport);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const warnings = (run: ActionRun) =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
const digestEmbed = () =>
  (box.discord.received[0]?.body.embeds as { title?: string; description?: string }[] | undefined)?.[0];

function digest(inputs: Record<string, string>) {
  return runAction('crash-digest', {
    inputs: { 'app-package': 'mara', 'webhook-url': box.discord.webhookUrl(HOOK.id, HOOK.token), ...inputs },
    env: { GITHUB_WORKSPACE: box.dir },
    timeoutMs: 30_000,
  });
}

describe('crash-digest bundle on endless and hostile sources', () => {
  it('ends an endless NDJSON stream at source-timeout and posts the reports read so far, with a warning', async () => {
    const run = await digest({ 'source-url': `${base}/endless`, 'source-timeout': '2s' });
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeLessThan(15_000);
    const stopped = warnings(run).find((w) => w.startsWith('Reading stopped'));
    const m = new RegExp(
      `^Reading stopped: source-timeout \\(2s\\) ran out reading ${base}/endless\\. The digest covers only the ([\\d,]+) records read before\\.$`,
    ).exec(stopped ?? '');
    expect(m).not.toBeNull();
    const read = (m?.[1] ?? '').replace(/,/g, '');
    expect(Number(read)).toBeGreaterThan(0);
    expect(run.outputs.total).toBe(read);
    expect(box.discord.received).toHaveLength(1);
    expect(digestEmbed()?.description).toContain(
      '⚠️ Partial: reading stopped before the end of the sources; see the run.',
    );
    // Summary text keeps URLs from autolinking: `://` is written `&#58;//` (GitHub shows `://`).
    expect(run.summary).toContain(`> ⚠️ Partial digest. ${(stopped ?? '').replace('://', '&#58;//')}`);
  });

  it('ends a trickle of a byte every half second at source-timeout and posts the two reports before it', async () => {
    const run = await digest({ 'source-url': `${base}/trickle`, 'source-timeout': '2s' });
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeLessThan(15_000);
    expect(warnings(run)).toContain(
      `Reading stopped: source-timeout (2s) ran out reading ${base}/trickle. The digest covers only the 2 records read before.`,
    );
    expect(run.outputs).toMatchObject({ total: '2', groups: '1' });
    expect(box.discord.received).toHaveLength(1);
    expect(digestEmbed()?.title).toBe('ℹ️ 2 crashes in mara in the last 24h: 1 group, 1 new');
  });

  it('stops a gzip bomb at source-max-bytes after unpacking and posts the report before it', async () => {
    const run = await digest({ 'source-url': `${base}/bomb`, 'source-max-bytes': '1MiB' });
    expect(bomb.length).toBeLessThan(MiB);
    expect(run.exitCode).toBe(0);
    expect(warnings(run)).toContain(
      `Reading stopped: source-max-bytes (1 MiB) reached unpacking the gzip body of ${base}/bomb. The digest covers only the 1 records read before.`,
    );
    expect(run.outputs).toMatchObject({ total: '1', groups: '1' });
    expect(box.discord.received).toHaveLength(1);
  });

  it('stops a file at source-max-bytes, naming the file', async () => {
    const file = join(box.dir, 'large.ndjson');
    writeFileSync(file, `${report(0)}\n${report(1)}\n${' '.repeat(3 * MiB)}\n${report(2)}\n`);
    const run = await digest({ source: 'large.ndjson', 'source-max-bytes': '2MiB' });
    expect(run.exitCode).toBe(0);
    expect(warnings(run)).toContain(
      `Reading stopped: source-max-bytes (2 MiB) reached in ${file}. The digest covers only the 2 records read before.`,
    );
    expect(run.outputs).toMatchObject({ total: '2' });
  });

  it('skips a record over 1 MiB, counts it as rejected, and reads on', async () => {
    writeFileSync(
      join(box.dir, 'oversized.ndjson'),
      `${report(0)}\n${JSON.stringify({ message: 'x'.repeat(2 * MiB) })}\n${report(1)}\n`,
    );
    const run = await digest({ source: 'oversized.ndjson' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ total: '2', groups: '1' });
    expect(run.summary).toContain('| record over 1 MiB | 1 |');
    expect(warnings(run)).toContain('1 reports were rejected and not counted: 1 × record over 1 MiB.');
    expect(warnings(run).filter((w) => w.startsWith('Reading stopped'))).toEqual([]);
  });

  it('fails, naming source-timeout, when source-url never answers', async () => {
    const run = await digest({ 'source-url': `${base}/silent`, 'source-timeout': '1s' });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toBe(
      `source-url did not answer before source-timeout (1s) ran out (${base}/silent).`,
    );
    expect(box.discord.received).toEqual([]);
  });
});
