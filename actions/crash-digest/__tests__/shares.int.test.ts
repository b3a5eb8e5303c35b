import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '@sre-toolkit/action';
import { realisticCorpusLines, runAction } from '@sre-toolkit/testkit';
import { run } from '../src/main';

// A large export is grouped on two threads (grouping-parts.ts): the digest must be, byte for byte,
// the one a single thread makes of the same records at the same time.
const INPUTS = {
  'app-package': 'mara',
  window: '24h',
  'spike-factor': '3',
  'min-events': '10',
  'dry-run': 'true',
};
let dir: string;
let file: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crash-shares-'));
  file = join(dir, 'crashes.ndjson');
  const out = createWriteStream(file);
  // ~35 MB: over the two 16 MiB shares that make a second thread worth starting.
  for (const line of realisticCorpusLines({ now: Date.now(), reports: 20_000 }))
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function quietRuntime(now: Date, inputs: Record<string, string>): Runtime {
  return {
    env: { GITHUB_WORKSPACE: dir, RUNNER_TEMP: dir, GITHUB_REPOSITORY: 'acme/mara' },
    input: (name) => inputs[name] ?? '',
    setOutput: () => undefined,
    setSecret: () => undefined,
    info: () => undefined,
    warning: () => undefined,
    error: () => undefined,
    appendSummary: () => undefined,
    setFailed: (m) => {
      throw new Error(m);
    },
    now: () => now,
  };
}

describe('crash-digest on a large export', () => {
  it('groups it on two threads into the digest one thread makes', async () => {
    expect(statSync(file).size).toBeGreaterThan(32 * 1024 * 1024);
    const threaded = join(dir, 'threaded.json');
    const r = await runAction('crash-digest', {
      inputs: { ...INPUTS, source: file, 'digest-file': threaded },
      timeoutMs: 60_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Read 20,000 records from');
    if (availableParallelism() >= 2) expect(r.stdout).toMatch(/MiB of NDJSON: grouped on 2 threads/);
    expect(r.stdout).not.toMatch(/grouping thread failed/);
    const digest = readFileSync(threaded, 'utf8');
    const now = new Date((JSON.parse(digest) as { window: { end: string } }).window.end);

    const single = join(dir, 'single.json');
    await run(quietRuntime(now, { ...INPUTS, source: file, 'digest-file': single }));
    expect(digest).toBe(readFileSync(single, 'utf8'));
    expect((JSON.parse(digest) as { totals: { groups: number } }).totals.groups).toBeGreaterThan(100);
  }, 120_000);

  it('keeps its read budget: the deadline ends every thread, and an export over the byte cap is read by one', async () => {
    const timed = await runAction('crash-digest', {
      inputs: { ...INPUTS, source: file, 'source-timeout': '1ms', 'digest-file': join(dir, 'timed.json') },
      timeoutMs: 60_000,
    });
    expect(timed.exitCode).toBe(0);
    expect(timed.stdout).toMatch(/Reading stopped: source-timeout \(1ms\) ran out reading .*crashes\.ndjson/);
    expect(timed.stdout).not.toMatch(/grouping thread failed/);

    const capped = await runAction('crash-digest', {
      inputs: {
        ...INPUTS,
        source: file,
        'source-max-bytes': '20MiB',
        'digest-file': join(dir, 'capped.json'),
      },
      timeoutMs: 60_000,
    });
    expect(capped.exitCode).toBe(0);
    expect(capped.stdout).not.toMatch(/grouped on \d+ threads/);
    expect(capped.stdout).toMatch(
      /Reading stopped: source-max-bytes \(20 MiB\) reached in .*crashes\.ndjson/,
    );
  }, 120_000);
});
