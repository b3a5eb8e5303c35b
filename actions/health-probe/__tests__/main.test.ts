import { describe, expect, it } from '@jest/globals';
import type { Runtime } from '@sre-toolkit/action';
import type { HttpRequest, Transport } from '@sre-toolkit/discord';
import type { AttemptOutcome, IncidentStore } from '@sre-toolkit/probes';
import { run } from '../src/main';

const WEBHOOK = 'https://discord.com/api/webhooks/112233445566778899/tok_ABCdef-123_secret';

/** A runtime that records, in order, what run() does to the outside world. */
function recorder(inputs: Record<string, string>) {
  const events: string[] = [];
  const outputs: Record<string, string> = {};
  const rt: Runtime = {
    env: { GITHUB_REPOSITORY: 'acme/mara', GITHUB_RUN_ID: '7' },
    input: (name) => inputs[name] ?? '',
    setOutput: (name, value) => {
      outputs[name] = value;
      events.push(`output ${name}`);
    },
    setSecret: (v) => events.push(`secret ${v}`),
    info: () => undefined,
    warning: (m) => events.push(`warning ${m}`),
    error: (m) => events.push(`error ${m}`),
    appendSummary: () => events.push('summary'),
    setFailed: (m) => events.push(`failed ${m}`),
    now: () => new Date('2026-11-28T06:00:00Z'),
  };
  return { rt, events, outputs };
}

const defaults = {
  timeout: '10s',
  retries: '2',
  'retry-delay': '1s',
  concurrency: '10',
  'cert-expiry-days': '14',
  issue: 'true',
  'issue-label': 'incident',
  'fail-on-down': 'true',
  'dry-run': 'false',
};

describe('run', () => {
  it('registers secrets first, alerts, sets outputs, and fails for a down target only at the end', async () => {
    const { rt, events, outputs } = recorder({
      ...defaults,
      targets:
        '- name: api\n  url: https://api.example.com/health?token=q-secret-1\n  headers: { X-Key: h-secret-2 }',
      'webhook-url': WEBHOOK,
    });
    const sent: HttpRequest[] = [];
    const transport: Transport = async (req) => {
      sent.push(req);
      events.push('discord');
      return { status: 200, headers: {}, body: '{"id":"1"}' };
    };
    const slept: number[] = [];
    const store: IncidentStore = {
      findOpen: async () => new Map(),
      open: async () => {
        events.push('issue opened');
        return { number: 3, url: 'https://github.com/acme/mara/issues/3' };
      },
      update: async () => undefined,
      close: async () => undefined,
    };
    await run(rt, {
      attempt: async (): Promise<AttemptOutcome> => ({
        kind: 'error',
        error: 'connection refused',
        timings: { total: 1 },
      }),
      sleep: async (ms) => {
        slept.push(ms);
      },
      store,
      transport,
    });
    // Every secret is registered before the first thing the action does.
    const firstAction = events.findIndex((e) => !e.startsWith('secret'));
    expect(events.slice(0, firstAction)).toEqual(
      expect.arrayContaining([
        `secret ${WEBHOOK}`,
        'secret tok_ABCdef-123_secret',
        expect.stringMatching(/^secret https:\/\/discord\.com\/api\/v10\/webhooks\//),
      ]),
    );
    expect(events).toContain('secret q-secret-1');
    expect(events).toContain('secret h-secret-2');
    expect(events.filter((e) => !e.startsWith('secret'))).toEqual([
      'issue opened',
      'summary',
      'output results',
      'output down',
      'output degraded',
      'output report',
      'discord',
      'failed 1 of 1 target is down: api (connection refused)',
    ]);
    expect(slept).toEqual([1000, 1000]);
    expect(JSON.parse(outputs.results ?? '')).toEqual([
      {
        name: 'api',
        url: 'https://api.example.com/health?token=***',
        status: 'down',
        http_status: null,
        response_ms: 1,
        attempts: 3,
        error: 'connection refused',
        cert_days_left: null,
        timings: { total: 1 },
        maintenance: null,
      },
    ]);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]?.body ?? '{}').embeds[0].url).toBe('https://github.com/acme/mara/issues/3');
  });

  it('does not fail when fail-on-down is false, and sends nothing when everything is up', async () => {
    const { rt, events, outputs } = recorder({
      ...defaults,
      targets: 'https://a.example.com',
      'fail-on-down': 'false',
      issue: 'false',
    });
    await run(rt, {
      attempt: async () => ({
        kind: 'response',
        status: 200,
        contentType: 'text/plain',
        body: 'ok',
        timings: { total: 5 },
      }),
    });
    expect(events.filter((e) => e.startsWith('failed') || e.startsWith('warning'))).toEqual([]);
    expect(outputs.down).toBe('0');
  });

  it('starts reading the open incidents before the first target is probed', async () => {
    const { rt } = recorder({ ...defaults, targets: 'https://a.example.com\nhttps://b.example.com' });
    const order: string[] = [];
    const store: IncidentStore = {
      prefetch: () => void order.push('prefetch'),
      findOpen: async () => {
        order.push('findOpen');
        return new Map();
      },
      open: async () => ({ number: 1, url: '' }),
      update: async () => undefined,
      close: async () => undefined,
    };
    await run(rt, {
      attempt: async (): Promise<AttemptOutcome> => {
        order.push('attempt');
        return {
          kind: 'response',
          status: 200,
          contentType: 'text/plain',
          body: 'ok',
          timings: { total: 5 },
        };
      },
      store,
    });
    expect(order).toEqual(['prefetch', 'attempt', 'attempt', 'findOpen']);
  });
});
