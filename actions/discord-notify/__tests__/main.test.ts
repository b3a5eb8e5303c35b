import { describe, expect, it } from '@jest/globals';
import type { Runtime } from '@sre-toolkit/action';
import type { HttpRequest, Transport } from '@sre-toolkit/discord';
import fc from 'fast-check';
import { actionYamlDefaults, schemaDefaults, validateWebhookBody } from '@sre-toolkit/testkit';
import { inputs } from '../src/inputs';
import { run } from '../src/main';

describe('the input schema', () => {
  it('declares the same inputs with the same defaults as action.yml', () => {
    expect(schemaDefaults(inputs)).toEqual(actionYamlDefaults('discord-notify'));
  });
});

/** A runtime that records what run() does, with inputs defaulted as the runner would. */
function fakeRuntime(given: Record<string, string>) {
  const defaults = actionYamlDefaults('discord-notify');
  const outputs: Record<string, string> = {};
  const log: string[] = [];
  const secrets: string[] = [];
  let failed: string | undefined;
  const rt: Runtime = {
    env: {
      GITHUB_REPOSITORY: 'acme/mara',
      GITHUB_RUN_ID: '7',
      GITHUB_WORKFLOW: 'frontend-ci',
      GITHUB_REF_NAME: 'main',
    },
    input: (name) => given[name] ?? defaults[name] ?? '',
    setOutput: (name, value) => void (outputs[name] = value),
    setSecret: (value) => void secrets.push(value),
    info: (m) => void log.push(`info: ${m}`),
    warning: (m) => void log.push(`warning: ${m}`),
    error: (m) => void log.push(`error: ${m}`),
    appendSummary: (m) => void log.push(`summary: ${m}`),
    setFailed: (m) => void (failed = m),
    now: () => new Date('2026-11-28T10:00:00Z'),
  };
  return { rt, outputs, log, secrets, failed: () => failed };
}

function recordingTransport(): Transport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const t = (async (req: HttpRequest) => {
    requests.push(req);
    return { status: 200, headers: {}, body: JSON.stringify({ id: `m${requests.length}` }) };
  }) as Transport & { requests: HttpRequest[] };
  t.requests = requests;
  return t;
}

const URL_1 = 'https://discord.com/api/webhooks/123456789/secret-token-1';

describe('run()', () => {
  it('masks the URL and its token before anything else', async () => {
    const f = fakeRuntime({ 'webhook-url': URL_1 });
    await run(f.rt, recordingTransport());
    expect(f.secrets).toEqual(
      expect.arrayContaining([
        URL_1,
        'secret-token-1',
        'https://discord.com/api/v10/webhooks/123456789/secret-token-1?wait=true',
      ]),
    );
  });

  it('pings the configured role on failure only', async () => {
    const t = recordingTransport();
    await run(fakeRuntime({ 'webhook-url': URL_1, status: 'failure', mention: 'role:445566778899' }).rt, t);
    await run(fakeRuntime({ 'webhook-url': URL_1, status: 'success', mention: 'role:445566778899' }).rt, t);
    const bodies = t.requests.map((r) => JSON.parse(r.body ?? '{}'));
    expect(bodies[0].content).toBe('<@&445566778899>');
    expect(bodies[0].allowed_mentions).toEqual({ parse: [], users: [], roles: ['445566778899'] });
    expect(bodies[1].content).toBeUndefined();
  });

  it('posts into a thread when thread-id is set', async () => {
    const t = recordingTransport();
    await run(fakeRuntime({ 'webhook-url': URL_1, 'thread-id': '998877' }).rt, t);
    expect(t.requests[0]?.url).toBe(
      'https://discord.com/api/v10/webhooks/123456789/secret-token-1?wait=true&thread_id=998877',
    );
  });

  it('sends nothing for a status outside notify-on', async () => {
    const t = recordingTransport();
    const f = fakeRuntime({ 'webhook-url': URL_1, status: 'success', 'notify-on': 'failure' });
    await run(f.rt, t);
    expect(t.requests).toHaveLength(0);
    expect(f.outputs.sent).toBe('false');
  });

  it('refuses thread-id together with thread-name', async () => {
    const f = fakeRuntime({ 'webhook-url': URL_1, 'thread-id': '1', 'thread-name': 'x' });
    await run(f.rt, recordingTransport());
    expect(f.log).toContain('error: Input "thread-name" cannot be combined with thread-id; use one');
    expect(f.failed()).toBe('One input is not valid (see above).');
  });

  it('reports every bad input at once, naming each', async () => {
    const f = fakeRuntime({
      status: 'broken',
      timeout: 'soon',
      username: 'Discord Bot',
      'mention-on': 'failure, sometimes',
    });
    await run(f.rt, recordingTransport());
    expect(f.log.filter((l) => l.startsWith('error:'))).toEqual([
      'error: Input "status" must be one of success, failure, cancelled, skipped, info; got "broken"',
      'error: Input "username" must not contain "discord" or "clyde" (Discord rejects such names)',
      'error: Input "mention-on" may only list success, failure, cancelled, skipped, info; "sometimes" is not one',
      'error: Input "timeout" must be a duration like 500ms, 30s, 15m, 24h or 14d, got "soon"',
    ]);
    expect(f.failed()).toBe('4 inputs are not valid (see above).');
  });
});

describe('any input text at all', () => {
  it('either fails with clear input errors or builds a payload Discord accepts, never throwing', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 3000 }),
      fc.constantFrom('', '@everyone', '<@&1234567>', '{"a":1}', 'red', '#fff', '1795858200'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          title: text,
          description: text,
          content: text,
          fields: text,
          username: text,
          color: text,
          url: text,
          footer: text,
          'started-at': text,
          mention: text,
          environment: text,
          template: fc.constantFrom('auto', 'ci', 'deploy', 'event', 'plain', 'bogus'),
          status: fc.constantFrom('success', 'failure', 'cancelled', 'skipped', 'info', 'Failure', 'nope'),
        }),
        async (given) => {
          const f = fakeRuntime({ ...given, 'webhook-url': URL_1 });
          const t = recordingTransport();
          await run(f.rt, t);
          const errors = f.log.filter((l) => l.startsWith('error:'));
          if (f.failed()) {
            expect(errors.length).toBeGreaterThan(0);
            for (const e of errors) expect(e).toMatch(/^error: Input "[a-z-]+" /);
            expect(t.requests).toHaveLength(0);
          } else {
            expect(errors).toEqual([]);
            expect(t.requests).toHaveLength(1);
            const body = JSON.parse(t.requests[0]?.body ?? '{}') as Record<string, unknown>;
            expect(validateWebhookBody(body, false)).toBeNull();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
