import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  runAction,
  startDiscordServer,
  startHealthTargets,
  type ActionRun,
  type DiscordServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

// What a hostile endpoint answers: runner commands on their own lines, a bidi override, zero-width space.
const INJECTION = 'DOWN\n::warning::pwned\n::stop-commands::x\n##[error]forged\u202Eevil\u200B';
/** The same value as every place may show it. */
const SHOWN = 'DOWN ::warning::pwned ::stop-commands::x ##[error]forgedevil';

let targets: HealthTargets;
let discord: DiscordServer;
let run: ActionRun;
beforeAll(async () => {
  targets = await startHealthTargets();
  discord = await startDiscordServer();
  targets.route('/json', { body: { status: INJECTION } });
  targets.route('/nested', { body: { status: { detail: INJECTION } } });
  targets.route('/text', { body: `ok\r\n${INJECTION}`, contentType: 'text/plain' });
  targets.route('/health-json', {
    body: { status: 'warn', output: INJECTION },
    contentType: 'application/health+json',
  });
  run = await runAction('health-probe', {
    inputs: {
      targets: [
        `- name: json\n  url: ${targets.url('/json')}\n  expect-json: { status: UP }`,
        `- name: nested\n  url: ${targets.url('/nested')}\n  expect-json: { status: UP }`,
        `- name: text\n  url: ${targets.url('/text')}\n  expect-text: /^ok$/`,
        `- name: health-json\n  url: ${targets.url('/health-json')}`,
      ].join('\n'),
      issue: 'false',
      retries: '1',
      'retry-delay': '0s',
      'webhook-url': discord.webhookUrl(),
    },
  });
});
afterAll(async () => {
  await Promise.all([targets.close(), discord.close()]);
});

describe('health-probe with hostile response bodies', () => {
  it('writes no runner command of the body into the step log', () => {
    expect(run.exitCode).toBe(1);
    const commandLines = run.stdout.split(/\r?\n/).filter((l) => /^\s*(::|##\[)/.test(l));
    // Only the action's own: masks, the degraded warning, the failure.
    expect(commandLines.filter((l) => !l.startsWith('::add-mask::'))).toHaveLength(run.annotations.length);
    expect(run.annotations.map((a) => [a.level, a.properties.title ?? ''])).toEqual([
      ['warning', 'Degraded'],
      ['error', ''],
    ]);
    for (const a of run.annotations) expect(a.message).not.toMatch(/[\r\n]/);
    expect(run.stdout).not.toMatch(/^\s*::(warning|stop-commands)::(pwned|x)/m);
    expect(run.stdout).not.toMatch(/^##\[error\]/m);
  });

  it('shows the body value on one line, without invisible characters, everywhere', () => {
    const results = JSON.parse(run.outputs.results ?? '[]') as { name: string; error: string }[];
    expect(results.map((r) => [r.name, r.error])).toEqual([
      ['json', `expected status UP, got ${SHOWN}`],
      ['nested', expect.stringMatching(/^expected status UP, got \{"detail":"DOWN\\n::warning::pwned/)],
      ['text', 'expected the response to match /^ok$/, it does not'],
      ['health-json', 'health check says warn (application/health+json status)'],
    ]);
    const everywhere = [run.stdout, run.summary, JSON.stringify(run.outputs)].join('\n');
    expect(everywhere).not.toMatch(/[\u202E\u200B]/);
    expect(run.log).toContain(`json: down, HTTP 200`);
    expect(run.log).toContain(`attempt 1 failed (expected status UP, got ${SHOWN}); retrying`);
    // Table cells also escape link brackets (cell()), so `##[error]` shows as `##\[error\]`.
    expect(run.summary).toContain(`| expected status UP, got ${SHOWN.replace(/[[\]]/g, '\\$&')} |`);
  });

  it('sends Discord the value escaped, on one line, without bidi or zero-width characters', () => {
    expect(discord.received).toHaveLength(1);
    const payload = JSON.stringify(discord.received[0]?.body);
    expect(payload).not.toMatch(/[\u202E\u200B]/);
    const embeds = discord.received[0]?.body.embeds as { title: string; description: string }[];
    expect(embeds.map((e) => e.title)).toEqual([
      `❌ json is down: expected status UP, got ${SHOWN}`,
      expect.stringMatching(/^❌ nested is down: expected status UP, got \{"detail":/),
      '❌ text is down: expected the response to match /^ok$/, it does not',
    ]);
    for (const e of embeds) expect(e.title).not.toMatch(/[\r\n]/);
    expect(embeds[0]?.description.split('\n')).toEqual([
      `\`${targets.url('/json')}\``,
      'expected status UP, got DOWN ::warning::pwned ::stop-commands::x ##\\[error\\]forgedevil',
    ]);
  });
});
