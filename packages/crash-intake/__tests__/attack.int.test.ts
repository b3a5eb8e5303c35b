import { readFileSync, statSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  appReport,
  EXPORT_TOKEN,
  exportAll,
  type IntakeProcess,
  postReports,
  startIntake,
  tempDataDir,
} from './server-process';

/** Regressions for an attack report on the bundle: each finding, as the attacker sent it. */
describe('crash-intake bundle: what an attacker sends', () => {
  const data = tempDataDir();
  let intake: IntakeProcess;
  beforeAll(async () => {
    intake = await startIntake(data.dir, { CRASH_REQUEST_TIMEOUT: '2s', CRASH_APP_PACKAGE: 'my_app' });
  });
  afterAll(async () => {
    await intake.stop();
    data.remove();
  });

  const exported = async () => {
    const res = await exportAll(intake.port);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('drops fields of an app report that the schema does not know', async () => {
    const res = await postReports(
      intake.port,
      appReport({
        message: 'unknown-fields',
        email: 'john.doe@example.com',
        nested: { token: 'Bearer sk_live_abcdefghijklmnop1234' },
      }),
    );
    expect(res.status).toBe(202);
    const line = (await exported()).split('\n').find((l) => l.includes('unknown-fields')) as string;
    const stored = JSON.parse(line) as Record<string, unknown>;
    expect(stored.email).toBeUndefined();
    expect(stored.nested).toBeUndefined();
    expect(line).not.toMatch(/john\.doe|sk_live/);
  });

  it('scrubs a Sentry event everywhere but its top-level ids, and hashes the raw user id with a secret key', async () => {
    const event = (id: string) => ({
      event_id: 'fc6d8c0c43fc4630ad850ee518f1b9d0',
      timestamp: new Date().toISOString(),
      platform: 'other',
      level: 'error',
      release: 'my_app@1.4.2+88',
      environment: 'prod john.doe@example.com',
      exception: {
        values: [
          {
            type: 'VErr',
            value: 'sentry-secrets',
            stacktrace: { frames: [{ function: 'f', filename: 'a.dart', vars: { password: 'hunter2' } }] },
          },
        ],
      },
      request: { headers: { Cookie: 'session=abcdef123456', Authorization: 'Basic dXNlcjpwYXNz' } },
      extra: { type: 'john.doe@example.com password=hunter2', 'mary@example.com': 'key holds an address' },
      user: { id, username: 'janedoe', email: id, ip_address: '10.1.2.3' },
    });
    const res = await postReports(intake.port, [event('jane@example.com'), event('joe@example.com')]);
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body)).toEqual({ accepted: 2, rejected: [] });
    const lines = (await exported()).split('\n').filter((l) => l.includes('sentry-secrets'));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toMatch(
        /hunter2|janedoe|jane@|joe@|john\.doe|mary@|abcdef123456|dXNlcjpwYXNz|10\.1\.2\.3/,
      );
    }
    const [a, b] = lines.map((l) => JSON.parse(l)) as {
      release: string;
      environment: string;
      extra: Record<string, string>;
      request: { headers: Record<string, string> };
      user: Record<string, string>;
    }[];
    expect(a?.release).toBe('my_app@1.4.2+88');
    expect(a?.environment).toBe('prod [email]');
    expect(a?.extra.type).toBe('[email] password=[Filtered]');
    expect(a?.request.headers).toEqual({ Cookie: '[Filtered]', Authorization: '[Filtered]' });
    expect(a?.user.username).toBe('[Filtered]');
    // Two users with e-mail ids stay two users; the pseudonym is not a plain sha256 of the id.
    expect(a?.user.id).toMatch(/^u_[0-9a-f]{20}$/);
    expect(a?.user.id).not.toBe(b?.user.id);
    const { createHash } = await import('node:crypto');
    const plain = `u_${createHash('sha256').update('jane@example.com').digest('hex').slice(0, 20)}`;
    expect(a?.user.id).not.toBe(plain);
    const keyFile = join(data.dir, '.pseudonym-key');
    expect(readFileSync(keyFile)).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a report nested 5,000 levels deep with a reason and keeps the rest of the batch', async () => {
    const depth = 5000;
    const nest = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deep = `${JSON.stringify(appReport({ message: 'deep-one' })).slice(0, -1)},"x":${nest}}`;
    const body = `[${deep},${JSON.stringify(appReport({ message: 'shallow-one' }))}]`;
    const res = await postReports(intake.port, body);
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body)).toEqual({
      accepted: 1,
      rejected: [{ index: 0, reason: 'the report is nested deeper than 64 levels' }],
    });
    const all = await exported();
    expect(all).toContain('shallow-one');
    expect(all).not.toContain('deep-one');
  });

  it('answers 400 naming the parameter for since/until that are not ISO times in 2000–9999', async () => {
    for (const [query, name] of [
      ['?since=-271821-04-20T00:00:00Z', 'since'],
      ['?since=0', 'since'],
      ['?until=-1', 'until'],
      ['?until=1999-12-31T00:00:00Z', 'until'],
    ] as const) {
      const res = await exportAll(intake.port, query);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error).toMatch(new RegExp(`^${name} must be an ISO 8601 time`));
    }
    expect((await exportAll(intake.port, '?since=2000-01-01')).status).toBe(200);
  });

  it('takes the bearer scheme in any case, and still refuses a wrong token', async () => {
    const lower = await exportAll(intake.port, '', { authorization: `bearer ${EXPORT_TOKEN}` });
    expect(lower.status).toBe(200);
    const wrong = await exportAll(intake.port, '', { authorization: `bearer ${EXPORT_TOKEN}x` });
    expect(wrong.status).toBe(401);
  });

  it('refuses reports dated more than a day ahead or before 2000, so the export filter holds', async () => {
    const res = await postReports(intake.port, [
      appReport({ message: 'future-one', timestamp: '2099-06-01T00:00:00Z' }),
      appReport({ message: 'ancient-one', timestamp: '1990-06-01T00:00:00Z' }),
      appReport({ message: 'now-one' }),
    ]);
    expect(res.status).toBe(202);
    const answer = JSON.parse(res.body) as {
      accepted: number;
      rejected: { index: number; reason: string }[];
    };
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => r.index)).toEqual([0, 1]);
    for (const r of answer.rejected) expect(r.reason).toMatch(/^timestamp: /);
    const all = await exported();
    expect(all).not.toMatch(/future-one|ancient-one/);
  });

  it('closes a connection that never sends a byte', async () => {
    const socket = net.connect(intake.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    // Node's headersTimeout (here 2 s) also counts for a connection that never sends a byte. The
    // attack report saw such sockets stay open because its client never read, so it never saw the
    // close: this client reads (a 'data' listener), as a real one does.
    const ended = await new Promise<string>((resolve) => {
      socket.once('close', () => resolve('closed'));
      socket.once('error', () => resolve('closed'));
    });
    expect(ended).toBe('closed');
    // Closed with a 408 (or nothing): never an answer to a request it did not send.
    expect(received === '' || received.startsWith('HTTP/1.1 408 ')).toBe(true);
  });
});
