import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CORPUS_INVALID_LINES, corpusPersonalData, crashCorpusLines } from '@sre-toolkit/testkit';
import {
  appReport,
  exportAll,
  type IntakeProcess,
  postReports,
  request,
  runToExit,
  startIntake,
  tempDataDir,
} from './server-process';

const today = () => new Date().toISOString().slice(0, 10);
const segment = (dir: string) => join(dir, `crashes-${today()}.ndjson`);

describe('crash-intake bundle: refusing to start', () => {
  it('exits 1 without CRASH_EXPORT_TOKEN, saying why and what to do', async () => {
    const data = tempDataDir();
    try {
      const run = await runToExit({ CRASH_DATA_DIR: data.dir }, data.dir);
      expect(run.code).toBe(1);
      expect(run.output).toContain('::error title=crash-intake::CRASH_EXPORT_TOKEN is required');
      expect(run.output).toContain('source-token');
    } finally {
      data.remove();
    }
  });

  it('names each bad setting and its rule', async () => {
    const data = tempDataDir();
    try {
      const run = await runToExit(
        {
          CRASH_DATA_DIR: data.dir,
          CRASH_EXPORT_TOKEN: 'export-token-0123456789abcdef',
          CRASH_RATE_LIMIT: 'lots',
          CRASH_ALERT_COOLDOWN: 'soon',
          DISCORD_WEBHOOK_ALERTS: 'https://example.com/hook',
        },
        data.dir,
      );
      expect(run.code).toBe(1);
      expect(run.output).toContain('CRASH_RATE_LIMIT must be a whole number from 1 to 1000000, not "lots"');
      expect(run.output).toContain('CRASH_ALERT_COOLDOWN must be a duration like 30s, 15m or 6h');
      expect(run.output).toContain('DISCORD_WEBHOOK_ALERTS is not a Discord webhook URL');
    } finally {
      data.remove();
    }
  });
});

describe('crash-intake bundle: POST /api/crashes and the export', () => {
  const data = tempDataDir();
  let intake: IntakeProcess;
  beforeAll(async () => {
    intake = await startIntake(data.dir, {
      CRASH_REQUEST_TIMEOUT: '2s',
      CRASH_APP_PACKAGE: 'my_app',
      // Batches of 100 below: the limit is not what this block tests.
      CRASH_RATE_LIMIT: '100000',
    });
  });
  afterAll(async () => {
    expect(await intake.stop()).toBe(0);
    data.remove();
  });

  it('stores one valid report durably and answers 202 with what it accepted', async () => {
    const report = appReport({ message: 'Bad state: cart of jane@example.org is empty' });
    const res = await postReports(intake.port, report);
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body)).toEqual({ accepted: 1, rejected: [] });
    const lines = readFileSync(segment(data.dir), 'utf8').trimEnd().split('\n');
    const stored = JSON.parse(lines[lines.length - 1] as string) as Record<string, unknown>;
    // Scrubbed before it was written: the address never reaches the disk.
    expect(stored.message).toBe('Bad state: cart of [email] is empty');
    expect(stored.stackTrace).toBe(report.stackTrace);
  });

  it('takes a batch of real app reports and Sentry events, naming each one it refused', async () => {
    const now = Date.now();
    const all = [...crashCorpusLines({ now, invalid: false })];
    const lines = [...all.slice(0, 100 - CORPUS_INVALID_LINES.length), ...CORPUS_INVALID_LINES];
    const personal = corpusPersonalData({ now });
    const batch = lines.map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return l;
      }
    });
    const before = readFileSync(segment(data.dir), 'utf8').split('\n').length;
    const res = await postReports(intake.port, batch);
    expect(res.status).toBe(202);
    const answer = JSON.parse(res.body) as {
      accepted: number;
      rejected: { index: number; reason: string }[];
    };
    expect(answer.accepted).toBe(100 - CORPUS_INVALID_LINES.length);
    expect(answer.rejected.map((r) => r.index)).toEqual([97, 98, 99]);
    for (const r of answer.rejected)
      expect(r.reason).toMatch(/^(crash report|Sentry event|not a JSON object)/);
    const text = readFileSync(segment(data.dir), 'utf8');
    expect(text.split('\n').length - before).toBe(answer.accepted);
    for (const p of personal) expect(text).not.toContain(p);
  });

  it('answers 400 naming the first bad field when nothing is valid', async () => {
    const res = await postReports(intake.port, [
      appReport({ platform: 'blackberry' }),
      appReport({ fatal: 'yes' }),
    ]);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: string; rejected: unknown[] };
    expect(body.error).toBe(
      'no valid crash report: report 0: crash report: platform: must be one of android, ios, macos, windows, linux, fuchsia, web',
    );
    expect(body.rejected).toHaveLength(2);
  });

  it('refuses a batch of more than 100 and an empty array', async () => {
    const big = await postReports(
      intake.port,
      Array.from({ length: 101 }, () => appReport()),
    );
    expect(big.status).toBe(400);
    expect(JSON.parse(big.body)).toEqual({ error: 'a batch holds at most 100 reports, this one 101' });
    const empty = await postReports(intake.port, []);
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.body)).toEqual({ error: 'the array holds no report' });
  });

  it('answers 400 for malformed JSON and wrong types', async () => {
    const bad = await postReports(intake.port, '{"type": "StateError", "message": ');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'the body is not valid JSON' });
    const scalar = await postReports(intake.port, '42');
    expect(scalar.status).toBe(400);
    expect(JSON.parse(scalar.body).error).toBe('no valid crash report: report 0: not a JSON object (number)');
  });

  it('answers 413 over 256 KiB, also for a 10 MB body', async () => {
    const over = await postReports(intake.port, appReport({ message: 'x'.repeat(256 * 1024) }));
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error).toContain('over 256 KiB');
    // 10 MB announced: refused from the header, without reading (or buffering) the body.
    const socket = net.connect(intake.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.write(
      'POST /api/crashes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n[',
    );
    socket.write('{"type":"StateError",'.repeat(1000));
    await new Promise<void>((resolve) => socket.on('data', () => answer.includes('}') && resolve()));
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await request(intake.port, 'POST', '/api/crashes', {
      body: 'StateError: Bad state',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toEqual({ error: 'the content type must be application/json' });
  });

  it('allows Flutter web builds through CORS', async () => {
    const res = await request(intake.port, 'OPTIONS', '/api/crashes', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
  });

  it('exports NDJSON to the bearer of CRASH_EXPORT_TOKEN only, gzipped when asked', async () => {
    expect((await exportAll(intake.port, '', { authorization: 'Bearer wrong' })).status).toBe(401);
    const none = await request(intake.port, 'GET', '/api/crashes/export');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const plain = await exportAll(intake.port);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(plain.body).toBe(readFileSync(segment(data.dir), 'utf8'));
    const gzip = await exportAll(intake.port, '', { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body).toBe(plain.body);
  });

  it('exports only the reports inside since/until, by their own timestamp', async () => {
    await postReports(intake.port, [
      appReport({ timestamp: '2020-01-01T10:00:00Z', message: 'old one' }),
      appReport({ timestamp: '2020-01-02T10:00:00Z', message: 'inside' }),
    ]);
    const res = await exportAll(intake.port, '?since=2020-01-02T00:00:00Z&until=2020-01-03T00:00:00Z');
    expect(res.status).toBe(200);
    const lines = res.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string });
    expect(lines.map((l) => l.message)).toEqual(['inside']);
    const bad = await exportAll(intake.port, '?since=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toBe(
      'since must be an ISO 8601 time between the years 2000 and 9999, like 2026-11-30T00:00:00Z',
    );
  });

  it('cuts off a slow-loris client that never finishes its headers', async () => {
    const socket = net.connect(intake.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.write('POST /api/crashes HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    // One byte now and then; the server must end it (CRASH_REQUEST_TIMEOUT=2s), not wait forever.
    const drip = setInterval(() => socket.writable && socket.write('a'), 300);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(drip);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers /health with application/health+json and /metrics with the counts', async () => {
    const health = await request(intake.port, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toMatch(/^application\/health\+json/);
    const body = JSON.parse(health.body) as { status: string; checks: Record<string, { status: string }[]> };
    expect(body.status).toBe('pass');
    expect(Object.keys(body.checks).sort()).toEqual([
      'alerts:oldest-pending',
      'alerts:pending',
      'data:free-space',
      'data:writable',
      'discord:delivery',
    ]);
    const metrics = await request(intake.port, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const stored = exportAll(intake.port).then((r) => r.body.trimEnd().split('\n').length);
    expect(metrics.body).toContain(`crash_intake_reports_accepted_total ${await stored}`);
    expect(metrics.body).toContain(
      'crash_intake_reports_rejected_total{reason="crash report: platform: must be one of android, ios, macos, windows, linux, fuchsia, web"} 1',
    );
    expect(metrics.body).toMatch(
      /crash_intake_request_duration_seconds_count\{route="\/api\/crashes",method="POST",status="202"\} \d+/,
    );
    const bytes = readdirSync(data.dir)
      .filter((f) => f.endsWith('.ndjson'))
      .reduce((n, f) => n + readFileSync(join(data.dir, f)).length, 0);
    expect(metrics.body).toContain(`crash_intake_stored_bytes ${bytes}`);
  });
});

describe('crash-intake bundle: limits and a full disk', () => {
  const data = tempDataDir();
  let intake: IntakeProcess;
  beforeAll(async () => {
    intake = await startIntake(data.dir, { CRASH_RATE_LIMIT: '4', CRASH_INGEST_KEY: 'ingest-key-42' });
  });
  afterAll(async () => {
    expect(await intake.stop()).toBe(0);
    data.remove();
  });

  it('answers 507 on a full disk, says fail in /health, and never claims 202', async () => {
    // /dev/full answers every write with ENOSPC: a real full disk, for the segment being written.
    symlinkSync('/dev/full', segment(data.dir));
    try {
      const res = await postReports(intake.port, appReport(), { 'x-crash-key': 'ingest-key-42' });
      expect(res.status).toBe(507);
      expect(res.headers['retry-after']).toBe('60');
      expect(JSON.parse(res.body).error).toBe(
        'the intake is out of disk space: nothing was stored, send again later',
      );
      const health = await request(intake.port, 'GET', '/health');
      expect(health.status).toBe(503);
      const body = JSON.parse(health.body) as {
        status: string;
        checks: Record<string, { status: string; output?: string }[]>;
      };
      expect(body.status).toBe('fail');
      expect(body.checks['data:writable']?.[0]).toMatchObject({
        status: 'fail',
        output: 'last write failed: ENOSPC',
      });
    } finally {
      rmSync(segment(data.dir));
    }
  });

  it('answers 401 without the ingest key or with a wrong one, 202 with it', async () => {
    const none = await postReports(intake.port, appReport());
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toEqual({ error: 'missing or wrong x-crash-key header' });
    const wrong = await postReports(intake.port, appReport(), { 'x-crash-key': 'ingest-key-43' });
    expect(wrong.status).toBe(401);
    const right = await postReports(intake.port, appReport(), { 'x-crash-key': 'ingest-key-42' });
    expect(right.status).toBe(202);
  });

  it('limits each client to CRASH_RATE_LIMIT reports a minute with 429 and Retry-After', async () => {
    // The four requests before used this minute's allowance (a refused one counts too).
    for (let i = 0; i < 2; i++) {
      const res = await postReports(intake.port, appReport(), { 'x-crash-key': 'ingest-key-42' });
      expect(res.status).toBe(429);
      const retry = Number(res.headers['retry-after']);
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect(JSON.parse(res.body).error).toMatch(
        /^Too many requests: at most 4 reports per minute per client; retry after \d+ s\.$/,
      );
    }
  });
});

describe('crash-intake bundle: the rate limit counts reports', () => {
  it('counts a batch as the reports it holds, and takes it whole while the client has allowance left', async () => {
    const data = tempDataDir();
    const intake = await startIntake(data.dir, { CRASH_RATE_LIMIT: '5' });
    try {
      const batch = (n: number) => Array.from({ length: n }, (_, i) => appReport({ message: `batch ${i}` }));
      // 3 of 5, then 6 of 5: the second batch began with allowance left.
      const first = await postReports(intake.port, batch(3));
      expect([first.status, JSON.parse(first.body).accepted]).toEqual([202, 3]);
      const second = await postReports(intake.port, batch(3));
      expect([second.status, JSON.parse(second.body).accepted]).toEqual([202, 3]);
      // Counted by requests, this would be the third of five.
      const third = await postReports(intake.port, appReport());
      expect(third.status).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(third.body).error).toMatch(
        /^Too many requests: at most 5 reports per minute per client;/,
      );
      const stored = await exportAll(intake.port);
      expect(stored.body.trimEnd().split('\n')).toHaveLength(6);
    } finally {
      expect(await intake.stop()).toBe(0);
      data.remove();
    }
  });
});

describe('crash-intake bundle: retention', () => {
  it('deletes segments older than CRASH_RETENTION_DAYS on start and exports the rest', async () => {
    const data = tempDataDir();
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    const recent = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(
      join(data.dir, `crashes-${old}.ndjson`),
      `${JSON.stringify(appReport({ message: 'old' }))}\n`,
    );
    writeFileSync(
      join(data.dir, `crashes-${recent}.ndjson`),
      `${JSON.stringify(appReport({ message: 'recent' }))}\n`,
    );
    const intake = await startIntake(data.dir, { CRASH_RETENTION_DAYS: '30' });
    try {
      expect(readdirSync(data.dir).filter((f) => f.endsWith('.ndjson'))).toEqual([
        `crashes-${recent}.ndjson`,
      ]);
      const res = await exportAll(intake.port);
      expect(
        res.body
          .trimEnd()
          .split('\n')
          .map((l) => (JSON.parse(l) as { message: string }).message),
      ).toEqual(['recent']);
    } finally {
      expect(await intake.stop()).toBe(0);
      data.remove();
    }
  });
});

describe('crash-intake bundle: behind a proxy', () => {
  it('counts the rate limit per client named by X-Forwarded-For when CRASH_TRUST_PROXY trusts the proxy', async () => {
    const data = tempDataDir();
    const intake = await startIntake(data.dir, { CRASH_RATE_LIMIT: '1', CRASH_TRUST_PROXY: '127.0.0.1' });
    try {
      const from = (ip: string) => postReports(intake.port, appReport(), { 'x-forwarded-for': ip });
      expect((await from('203.0.113.7')).status).toBe(202);
      expect((await from('203.0.113.8')).status).toBe(202);
      expect((await from('203.0.113.7')).status).toBe(429);
    } finally {
      expect(await intake.stop()).toBe(0);
      data.remove();
    }
  });
});
