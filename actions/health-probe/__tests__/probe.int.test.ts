import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  refusedUrl,
  runAction,
  selfSignedCertificate,
  startDiscordServer,
  startHealthTargets,
  type ActionRun,
  type DiscordServer,
  type HealthTargets,
} from '@sre-toolkit/testkit';

interface Result {
  name: string;
  url: string;
  status: string;
  http_status: number | null;
  response_ms: number | null;
  attempts: number;
  error: string | null;
  cert_days_left: number | null;
}

const SECRET = 'sk_live_health_0123456789abcdef';

let targets: HealthTargets;
let tls: HealthTargets;
let discord: DiscordServer;
let refused: string;
let run: ActionRun;
let results: Result[];
const byName = (name: string) => results.find((r) => r.name === name) as Result;

beforeAll(async () => {
  targets = await startHealthTargets();
  tls = await startHealthTargets({ tls: selfSignedCertificate(365) });
  discord = await startDiscordServer();
  refused = await refusedUrl('/health');
  targets.route('/fast', { body: { status: 'UP' } });
  targets.route('/fast2', { body: 'ok', contentType: 'text/plain' });
  targets.route('/slow', { body: { status: 'UP' }, delayMs: 400 });
  targets.route('/flaky', { body: { status: 'UP' }, failFirst: 1, failWith: 'reset' });
  targets.route('/error', { status: 500, body: 'internal error' });
  targets.route('/spring', { body: { status: 'DOWN', components: { db: { status: 'DOWN' } } } });
  targets.route('/hang', { hang: true });
  targets.route('/private', { body: { status: 'UP' }, requireHeader: { name: 'X-Api-Key', value: SECRET } });
  tls.route('/health', { body: { status: 'UP' } });

  const yaml = `
- name: fast
  url: ${targets.url('/fast')}
  expect-json:
    status: UP
- name: fast-text
  url: ${targets.url('/fast2')}
  expect-text: /^ok$/
- name: slow
  url: ${targets.url('/slow')}
  max-response-ms: 150
- name: flaky
  url: ${targets.url('/flaky')}
- name: error
  url: ${targets.url('/error')}
- name: spring
  url: ${targets.url('/spring')}
  expect-json:
    status: UP
- name: refused
  url: ${refused}
- name: hang
  url: ${targets.url('/hang')}
  timeout: 300ms
  retries: 0
- name: private
  url: ${targets.url('/private')}?token=${SECRET}
  headers:
    X-Api-Key: ${SECRET}
- name: self-signed
  url: ${tls.url('/health')}
  retries: 0
`;
  run = await runAction('health-probe', {
    inputs: {
      targets: yaml,
      'retry-delay': '200ms',
      retries: '1',
      issue: 'false',
      'webhook-url': discord.webhookUrl(),
    },
  });
  results = JSON.parse(run.outputs.results ?? '[]') as Result[];
}, 60_000);

afterAll(async () => {
  await Promise.all([targets.close(), tls.close(), discord.close()]);
});

describe('health-probe bundle against loopback targets', () => {
  it('reports every target, in order, and nothing stops at the first failure', () => {
    expect(results.map((r) => r.name)).toEqual([
      'fast',
      'fast-text',
      'slow',
      'flaky',
      'error',
      'spring',
      'refused',
      'hang',
      'private',
      'self-signed',
    ]);
    expect(run.outputs.down).toBe('5');
    expect(run.outputs.degraded).toBe('1');
  });

  it('marks fast targets up in one attempt', () => {
    expect(byName('fast')).toMatchObject({
      status: 'up',
      http_status: 200,
      attempts: 1,
      error: null,
      cert_days_left: null,
    });
    expect(byName('fast-text')).toMatchObject({ status: 'up', http_status: 200, attempts: 1, error: null });
  });

  it('marks a target slower than max-response-ms degraded, without retrying it', () => {
    const slow = byName('slow');
    expect(slow.status).toBe('degraded');
    expect(slow.attempts).toBe(1);
    expect(slow.error).toMatch(/^slower than 150 ms: took \d+ ms$/);
    expect(slow.response_ms).toBeGreaterThanOrEqual(400);
  });

  it('saves a target that fails once with a retry, after really waiting retry-delay', () => {
    expect(byName('flaky')).toMatchObject({ status: 'up', http_status: 200, attempts: 2, error: null });
    const hits = targets.hits('/flaky');
    expect(hits).toHaveLength(2);
    expect((hits[1]?.at ?? 0) - (hits[0]?.at ?? 0)).toBeGreaterThanOrEqual(190);
    expect(run.log).toContain(
      'flaky: attempt 1 failed (connection closed by the server without a response); retrying in 0.2 s.',
    );
  });

  it('marks a 500 down after its retries', () => {
    expect(byName('error')).toMatchObject({
      status: 'down',
      http_status: 500,
      attempts: 2,
      error: 'expected status 200-399, got 500',
    });
    expect(targets.hits('/error')).toHaveLength(2);
  });

  it('marks a 200 whose JSON says DOWN down, naming the value and the failing component', () => {
    expect(byName('spring')).toMatchObject({
      status: 'down',
      http_status: 200,
      error: 'expected status UP, got DOWN; db is DOWN',
    });
  });

  it('names a refused connection', () => {
    expect(byName('refused')).toMatchObject({
      status: 'down',
      http_status: null,
      attempts: 2,
      error: 'connection refused',
    });
  });

  it('cuts off a target that never answers at its own timeout', () => {
    const hang = byName('hang');
    expect(hang).toMatchObject({
      status: 'down',
      http_status: null,
      attempts: 1,
      error: 'timed out after 300 ms',
    });
    expect(hang.response_ms).toBeGreaterThanOrEqual(300);
    expect(hang.response_ms).toBeLessThan(2000);
  });

  it('sends the secret header, and never prints the secret anywhere', () => {
    expect(byName('private')).toMatchObject({ status: 'up', http_status: 200 });
    expect(byName('private').url).toBe(`${targets.url('/private')}?token=***`);
    expect(targets.hits('/private')[0]?.headers['x-api-key']).toBe(SECRET);
    expect(run.masked).toContain(SECRET);
    for (const text of [
      run.log,
      run.summary,
      JSON.stringify(run.outputs),
      JSON.stringify(discord.received),
    ]) {
      expect(text).not.toContain(SECRET);
    }
    expect(run.annotations.map((a) => a.message).join('\n')).not.toContain(SECRET);
  });

  it('names the certificate problem of a self-signed TLS server', () => {
    expect(byName('self-signed')).toMatchObject({
      status: 'down',
      http_status: null,
      error: 'certificate is self-signed (not issued by a trusted authority)',
    });
  });

  it('writes a summary table with emoji, HTTP status, latency, attempts and certificate days', () => {
    expect(run.summary).toContain('### Health probe: 4 up, 1 degraded, 5 down');
    expect(run.summary).toContain(
      '| target | status | url | HTTP | latency | attempts | cert days left | details |',
    );
    expect(run.summary).toMatch(
      /\| fast \| ✅ up \| `http:\/\/127\.0\.0\.1:\d+\/fast` \| 200 \| \d+ ms \| 1 \| — \| — \|/,
    );
    expect(run.summary).toMatch(
      /\| spring \| ❌ down \| .* \| 200 \| \d+ ms \| 2 \| — \| expected status UP, got DOWN; db is DOWN \|/,
    );
    expect(run.summary).toMatch(/\| slow \| ⚠️ degraded \| .* \| 200 \|/);
    expect(run.summary.startsWith(run.outputs.report ?? '-')).toBe(true);
  });

  it('without incident issues, alerts every down target in one Discord message, then fails the step', () => {
    expect(discord.received).toHaveLength(1);
    const embeds = discord.received[0]?.body.embeds as { title: string; color: number }[];
    expect(embeds.map((e) => e.title)).toEqual([
      '❌ error is down: expected status 200-399, got 500',
      '❌ spring is down: expected status UP, got DOWN; db is DOWN',
      '❌ refused is down: connection refused',
      '❌ hang is down: timed out after 300 ms',
      '❌ self-signed is down: certificate is self-signed (not issued by a trusted authority)',
    ]);
    expect(embeds.every((e) => e.color === 0xd1242f)).toBe(true);
    expect(run.exitCode).toBe(1);
    const failure = run.annotations.filter((a) => a.level === 'error');
    expect(failure).toHaveLength(1);
    expect(failure[0]?.message).toMatch(
      /^5 of 10 targets are down: error \(expected status 200-399, got 500\); spring/,
    );
  });
});
