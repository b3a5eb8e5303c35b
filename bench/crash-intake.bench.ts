// `pnpm bench crash-intake`: the committed intake bundle beside a floor — a bare node:http server
// that JSON.parses each body and appends it to a file with the same fsync policy (writes gathered
// for one event-loop turn, one write + fdatasync, then the answers) — under the same load: 50
// concurrent keep-alive clients posting one report each request, from the known-bugs corpus.
// Prints accepted reports/s, latency p50/p99 and the server's RSS at 10 %, 50 % and 100 % of the run.
// BENCH_REPORTS (default 200000 per server), BENCH_CLIENTS (default 50).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashCorpusLines, node24, REPO_ROOT, startDiscordServer } from '@sre-toolkit/testkit';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 200_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'intake-bench-'));

const FLOOR = `
const http = require('node:http');
const fs = require('node:fs');
const fd = fs.openSync(process.argv[2], 'a');
let pending = [];
let flushing = false;
function flush() {
  flushing = true;
  setImmediate(() => {
    const batch = pending;
    pending = [];
    fs.write(fd, Buffer.concat(batch.map((p) => p.data)), (err) => {
      if (err) throw err;
      fs.fdatasync(fd, () => {
        for (const p of batch) p.done();
        if (pending.length) flush(); else flushing = false;
      });
    });
  });
}
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let value;
    try { value = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { res.writeHead(400).end(); return; }
    pending.push({ data: Buffer.from(JSON.stringify(value) + '\\n'), done: () => {
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1,"rejected":[]}');
    } });
    if (!flushing) flush();
  });
}).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });
`;

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
}

function start(args: string[], env: Record<string, string>): Promise<Started> {
  const child = spawn(node24(), args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** SIGTERM, then wait for the exit: the intake saves its state on the way out. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return exited;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

interface Result {
  readonly name: string;
  readonly accepted: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly rss: number[];
}

async function load(name: string, server: Started, bodies: readonly string[]): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const latencies = new Float64Array(REPORTS);
  const pid = server.child.pid as number;
  const marks = new Set([Math.floor(REPORTS * 0.1), Math.floor(REPORTS * 0.5)]);
  const rss: number[] = [];
  let next = 0;
  let accepted = 0;
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/crashes',
          agent,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < REPORTS) {
        const i = next++;
        const t = process.hrtime.bigint();
        const status = await post(bodies[i % bodies.length] as string);
        latencies[i] = Number(process.hrtime.bigint() - t) / 1e6;
        if (status === 202) accepted++;
        if (marks.has(i)) rss.push(rssMiB(pid));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rss.push(rssMiB(pid));
  agent.destroy();
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { name, accepted, seconds, p50: at(0.5), p99: at(0.99), rss };
}

async function main(): Promise<void> {
  const bodies = [...crashCorpusLines({ now: Date.now(), invalid: false })];
  writeFileSync(join(dir, 'floor.cjs'), FLOOR);
  const results: Result[] = [];
  const floor = await start([join(dir, 'floor.cjs'), join(dir, 'floor.ndjson')], {});
  try {
    results.push(await load('floor (node:http + JSON.parse + fsync)', floor, bodies));
  } finally {
    floor.child.kill('SIGKILL');
  }
  const intake = await start([join(REPO_ROOT, 'packages', 'crash-intake', 'dist', 'server.js')], {
    PORT: '0',
    HOST: '127.0.0.1',
    CRASH_DATA_DIR: join(dir, 'intake'),
    CRASH_EXPORT_TOKEN: 'bench-export-token-0123456789',
    CRASH_RATE_LIMIT: '1000000',
    CRASH_APP_PACKAGE: 'mara',
  });
  try {
    results.push(await load('crash-intake bundle', intake, bodies));
  } finally {
    await stop(intake.child);
  }
  const floorRate = (results[0] as Result).accepted / (results[0] as Result).seconds;
  console.log(
    `${REPORTS.toLocaleString('en-US')} reports per server, ${CLIENTS} concurrent clients, loopback, Node ${process.versions.node} (load) / Node 24 (servers)\n`,
  );
  console.log(
    '| server | accepted | reports/s | vs floor | p50 ms | p99 ms | RSS MiB at 10 % / 50 % / 100 % |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    const rate = r.accepted / r.seconds;
    console.log(
      `| ${r.name} | ${r.accepted.toLocaleString('en-US')} | ${rate.toFixed(0)} | ${((rate / floorRate) * 100).toFixed(0)} % | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.rss.map((m) => m.toFixed(0)).join(' / ')} |`,
    );
  }
  console.log('\nGoals: ≥ 50 % of the floor’s reports/s, p99 < 50 ms, RSS flat.');
  await alertLatency();
}

/** From the 202 of a new fatal group's first report to its alert arriving at the Discord stand-in. */
async function alertLatency(): Promise<void> {
  const discord = await startDiscordServer();
  const intake = await start([join(REPO_ROOT, 'packages', 'crash-intake', 'dist', 'server.js')], {
    PORT: '0',
    HOST: '127.0.0.1',
    CRASH_DATA_DIR: join(dir, 'alerts'),
    CRASH_EXPORT_TOKEN: 'bench-export-token-0123456789',
    CRASH_APP_PACKAGE: 'mara',
    DISCORD_WEBHOOK_ALERTS: discord.webhookUrl(),
  });
  const agent = new http.Agent({ keepAlive: true });
  const times: number[] = [];
  try {
    for (let n = 0; n < 8; n++) {
      const body = JSON.stringify({
        type: 'StateError',
        message: `Bad state: bench group ${n}`,
        stackTrace: `#0      BenchStep${n}.run (package:mara/bench/step_${n}.dart:12:5)\n`,
        fatal: true,
        source: 'zone',
        platform: 'android',
        appVersion: '2.4.1',
        buildNumber: '88',
        osVersion: 'Android 14',
        device: 'Pixel 8',
        timestamp: new Date().toISOString(),
      });
      const before = discord.received.length;
      const t = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: intake.port,
            method: 'POST',
            path: '/api/crashes',
            agent,
            headers: { 'content-type': 'application/json' },
          },
          (res) => res.resume().on('end', () => resolve()),
        );
        req.on('error', reject);
        req.end(body);
      });
      // Bounded: 10 s without the alert is reported as a miss.
      const deadline = Date.now() + 10_000;
      while (discord.received.length === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      times.push(discord.received.length > before ? Number(process.hrtime.bigint() - t) / 1e6 : Number.NaN);
    }
  } finally {
    agent.destroy();
    await stop(intake.child);
    await discord.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log('\n| new fatal group → alert at the Discord stand-in | median ms | max ms | missed |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(
    `| 8 groups, one after another | ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0)} | ${Math.max(...times.filter((t) => !Number.isNaN(t))).toFixed(0)} | ${times.filter((t) => Number.isNaN(t)).length} |`,
  );
  console.log('Goal: under a second (250 ms of it is the wait for other new groups, to summarise a burst).');
}

main()
  .finally(() => rmSync(dir, { recursive: true, force: true }))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
