import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '@sre-toolkit/action';
import type { HttpRequest, Transport } from '@sre-toolkit/discord';
import { crashCorpusLines, DAY } from '@sre-toolkit/testkit';
import { run } from '../src/main';

// A fixed clock: the corpus is generated for it, so the window is exact, not "a few ms ago".
const NOW = new Date('2026-11-28T06:00:00Z');
const HOOK = 'https://discord.com/api/webhooks/223344556677889900/digest_TOKEN-abc_123';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crash-main-'));
  writeFileSync(join(dir, 'crashes.ndjson'), [...crashCorpusLines({ now: NOW.getTime() })].join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeRuntime(inputs: Record<string, string>) {
  const outputs: Record<string, string> = {};
  const log: string[] = [];
  const secrets: string[] = [];
  let summary = '';
  let failed: string | undefined;
  const rt: Runtime = {
    env: { GITHUB_WORKSPACE: dir, RUNNER_TEMP: dir, GITHUB_REPOSITORY: 'acme/mara', GITHUB_RUN_ID: '7' },
    input: (name) => inputs[name] ?? '',
    setOutput: (name, value) => void (outputs[name] = value),
    setSecret: (value) => void secrets.push(value),
    info: (m) => void log.push(m),
    warning: (m) => void log.push(`warning: ${m}`),
    error: (m) => void log.push(`error: ${m}`),
    appendSummary: (md) => void (summary += md),
    setFailed: (m) => void (failed = m),
    now: () => NOW,
  };
  return { rt, outputs, log, secrets, summary: () => summary, failed: () => failed };
}

describe('run', () => {
  it('uses the runtime clock for the window and sends the digest through the transport', async () => {
    const sent: HttpRequest[] = [];
    const transport: Transport = async (req) => {
      sent.push(req);
      return { status: 200, headers: {}, body: JSON.stringify({ id: String(sent.length) }) };
    };
    const f = fakeRuntime({
      source: 'crashes.ndjson',
      'app-package': 'mara',
      'webhook-url': HOOK,
      window: '24h',
    });
    await run(f.rt, transport);
    expect(f.failed()).toBeUndefined();
    expect(f.outputs).toMatchObject({ total: '176', groups: '8', new: '1', critical: '3' });
    expect(f.secrets).toEqual(expect.arrayContaining([HOOK, 'digest_TOKEN-abc_123']));
    const digest = JSON.parse(readFileSync(join(dir, 'crash-digest.json'), 'utf8')) as {
      window: { start: string; end: string; duration_ms: number };
    };
    expect(digest.window).toEqual({
      start: '2026-11-27T06:00:00.000Z',
      end: '2026-11-28T06:00:00.000Z',
      duration_ms: DAY,
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(
      'https://discord.com/api/v10/webhooks/223344556677889900/digest_TOKEN-abc_123?wait=true',
    );
    const body = JSON.parse(sent[0]?.body ?? '{}') as { embeds: { title: string; url: string }[] };
    expect(body.embeds[0]?.title).toBe('⚠️ 176 crashes in mara in the last 24h: 8 groups, 1 new');
    expect(body.embeds[0]?.url).toBe('https://github.com/acme/mara/actions/runs/7');
    expect(f.summary()).toContain('| 176 | 8 | 17 | 123 | 1 | 3 | 3 |');
  });

  it('with a clock two days later, the same reports are all history: nothing in the window', async () => {
    const f = fakeRuntime({ source: 'crashes.ndjson', 'app-package': 'mara', 'dry-run': 'true' });
    f.rt = { ...f.rt, now: () => new Date(NOW.getTime() + 2 * DAY) };
    await run(f.rt);
    expect(f.outputs).toMatchObject({ total: '0', groups: '0', new: '0', critical: '0', digest: '[]' });
    expect(f.log).toContain(
      '594 records: 0 in the last 24h in 0 groups (0 new, 0 critical), 591 earlier, 3 rejected.',
    );
  });
});
