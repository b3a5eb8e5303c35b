import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { appReport, exportAll, postReports, startIntake, tempDataDir } from './server-process';

describe('crash-intake bundle: durability', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it('keeps every report it answered 202 for through kill -9, once each, and skips a torn last line', async () => {
    const first = await startIntake(data.dir, { CRASH_RATE_LIMIT: '1000000' });
    const acknowledged: string[] = [];
    let killed = false;
    // 20 clients posting single reports and batches of 3 as fast as they are answered.
    const client = async (c: number) => {
      for (let r = 0; !killed; r++) {
        const ids = r % 2 ? [`c${c}r${r}a`, `c${c}r${r}b`, `c${c}r${r}c`] : [`c${c}r${r}`];
        const body = ids.map((id) => appReport({ message: `Bad state: durability ${id}`, fatal: false }));
        try {
          const res = await postReports(first.port, ids.length === 1 ? body[0] : body);
          if (res.status === 202) acknowledged.push(...ids);
        } catch {
          // The connection died with the server: no answer, no promise made.
        }
      }
    };
    const clients = Array.from({ length: 20 }, (_, c) => client(c));
    while (acknowledged.length < 600) await new Promise((r) => setTimeout(r, 20));
    await first.kill();
    killed = true;
    await Promise.all(clients);

    // What a write cut short by the crash leaves: the start of a line, no newline.
    const segment = readdirSync(data.dir).find((f) => f.endsWith('.ndjson')) as string;
    appendFileSync(join(data.dir, segment), '{"type":"StateError","message":"Bad state: torn wri');

    const second = await startIntake(data.dir, { CRASH_RATE_LIMIT: '1000000' });
    try {
      // Written after the restart: must land on a line of its own, not glued to the torn bytes.
      expect(
        (await postReports(second.port, appReport({ message: 'Bad state: durability after', fatal: false })))
          .status,
      ).toBe(202);
      const res = await exportAll(second.port);
      expect(res.status).toBe(200);
      const lines = res.body.split('\n');
      expect(lines.pop()).toBe('');
      const seen = new Map<string, number>();
      for (const line of lines) {
        const report = JSON.parse(line) as { message: string };
        const id = report.message.replace('Bad state: durability ', '');
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      expect(acknowledged.length).toBeGreaterThanOrEqual(600);
      for (const id of acknowledged) expect([id, seen.get(id)]).toEqual([id, 1]);
      expect(seen.get('after')).toBe(1);
      expect(res.body).not.toContain('torn wri');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

describe('crash-intake bundle: 1,000 concurrent clients', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it('answers every one of 1,000 simultaneous connections and stores each report once', async () => {
    const intake = await startIntake(data.dir, { CRASH_RATE_LIMIT: '1000000' });
    try {
      // Node's default agent sets no socket limit: 1,000 requests in flight at once, each on its own connection.
      const answers = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          postReports(intake.port, appReport({ message: `Bad state: client ${i}`, fatal: false })),
        ),
      );
      expect(answers.filter((a) => a.status === 202)).toHaveLength(1000);
      const exported = (await exportAll(intake.port)).body.trimEnd().split('\n');
      const messages = new Set(exported.map((l) => (JSON.parse(l) as { message: string }).message));
      expect(exported).toHaveLength(1000);
      expect(messages.size).toBe(1000);
    } finally {
      expect(await intake.stop()).toBe(0);
    }
  });
});

describe('crash-intake bundle: SIGTERM', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it('finishes the requests in flight, keeps every report it answered 202 for, and exits 0', async () => {
    const intake = await startIntake(data.dir, { CRASH_RATE_LIMIT: '1000000' });
    const sent = Array.from({ length: 200 }, (_, i) =>
      postReports(intake.port, appReport({ message: `Bad state: in flight ${i}`, fatal: false })).then(
        (res) => ({ i, status: res.status }),
        () => ({ i, status: 0 }),
      ),
    );
    // Stop while they are arriving.
    await new Promise((r) => setTimeout(r, 5));
    const exit = intake.stop();
    const answers = await Promise.all(sent);
    expect(await exit).toBe(0);
    const acknowledged = answers.filter((a) => a.status === 202).map((a) => `Bad state: in flight ${a.i}`);
    expect(acknowledged.length).toBeGreaterThan(0);
    // Anything not 202 was refused or never reached the server: never a 5xx for a report it took.
    for (const a of answers) expect([0, 202, 503]).toContain(a.status);
    const again = await startIntake(data.dir);
    try {
      const stored = (await exportAll(again.port)).body
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { message: string }).message);
      for (const m of acknowledged) expect(stored.filter((s) => s === m)).toHaveLength(1);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
