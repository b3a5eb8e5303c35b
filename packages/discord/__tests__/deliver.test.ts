import { describe, expect, it } from '@jest/globals';
import { deliverAll, type DeliveryOptions } from '../src/deliver';
import type { HttpRequest, HttpResponse } from '../src/transport';
import { parseWebhookUrl, type Webhook } from '../src/webhook-url';

const hook = (id: string): Webhook => {
  const r = parseWebhookUrl(`https://discord.com/api/webhooks/${id}/token${id}`);
  if ('error' in r) throw new Error(r.error);
  return r.value;
};

type Step = HttpResponse | Error;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: JSON.stringify(body),
});
const netError = (code: string) => Object.assign(new Error(code), { code });

/** A scripted transport and a fake clock: sleeping advances time instantly. */
function harness(script: Record<string, Step[]>, timeoutMs = 30_000) {
  let clock = 0;
  const sleeps: number[] = [];
  const calls: HttpRequest[] = [];
  const options: DeliveryOptions = {
    timeoutMs,
    userAgent: 'test',
    now: () => clock,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    transport: async (req) => {
      calls.push(req);
      const id = /webhooks\/(\d+)/.exec(req.url)?.[1] ?? '';
      const step = script[id]?.shift();
      if (!step) throw new Error(`no scripted answer for ${id}`);
      if (step instanceof Error) throw step;
      return step;
    },
  };
  return { options, sleeps, calls, advance: (ms: number) => (clock += ms) };
}

const message = { content: 'hi' };

describe('deliverAll', () => {
  it('waits the precise retry_after of a 429, then delivers', async () => {
    const h = harness({
      '111': [
        json(429, { retry_after: 1.234, global: false }, { 'retry-after': '2' }),
        json(200, { id: 'm1' }),
      ],
    });
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r).toMatchObject({ ok: true, messageIds: ['m1'], attempts: 2 });
    expect(h.sleeps).toEqual([1234]);
  });

  it('falls back to the Retry-After header for an HTML 429', async () => {
    const h = harness({
      '111': [{ status: 429, headers: { 'retry-after': '3' }, body: '<html>' }, json(204, {})],
    });
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r?.ok).toBe(true);
    expect(h.sleeps).toEqual([3000]);
  });

  it('backs off on 5xx and network resets, then delivers', async () => {
    const h = harness({ '111': [json(502, {}), netError('ECONNRESET'), json(200, { id: 'm2' })] });
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r).toMatchObject({ ok: true, messageIds: ['m2'], attempts: 3 });
    expect(h.sleeps).toEqual([375, 750]);
  });

  it('gives up after five 5xx answers with the status in the reason', async () => {
    const h = harness({ '111': Array.from({ length: 5 }, () => json(503, {})) });
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r).toMatchObject({
      ok: false,
      status: 503,
      attempts: 5,
      reason: 'Discord answered 503 (5 attempts)',
    });
  });

  it.each([
    [404, { code: 10015, message: 'Unknown Webhook' }, /does not exist: it was deleted/],
    [401, { code: 50027, message: 'Invalid Webhook Token' }, /token is wrong/],
    [403, { code: 50013 }, /refused/],
    [
      400,
      {
        code: 50035,
        errors: { embeds: { '0': { title: { _errors: [{ message: 'Must be 256 or fewer in length.' }] } } } },
      },
      /embeds\.0\.title: Must be 256/,
    ],
  ])('does not retry a %i and explains it', async (status, body, reason) => {
    const h = harness({ '111': [json(status, body)] });
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r?.ok).toBe(false);
    expect(r?.attempts).toBe(1);
    expect(r?.reason).toMatch(reason);
    expect(h.sleeps).toEqual([]);
  });

  it('stops when a 429 asks for longer than the budget left', async () => {
    const h = harness({ '111': [json(429, { retry_after: 45 })] }, 30_000);
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r?.ok).toBe(false);
    expect(r?.reason).toBe(
      'rate limited by Discord for 45.0 s, longer than the time left before the 30 s timeout',
    );
  });

  it('treats an aborted request as the end of the budget', async () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const h = harness({ '111': [abort] }, 2000);
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r).toMatchObject({ ok: false, reason: 'timed out: no answer within the 2 s timeout' });
  });

  it('delivers to the other webhooks when one fails', async () => {
    const h = harness({ '111': [json(404, { code: 10015 })], '222': [json(200, { id: 'ok' })] });
    const results = await deliverAll([hook('111'), hook('222')], [message], h.options);
    expect(results.map((r) => r.ok)).toEqual([false, true]);
  });

  it('waits for an emptied bucket before the next message', async () => {
    const h = harness({
      '111': [
        json(200, { id: 'a' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '0.8' }),
        json(200, { id: 'b' }),
      ],
    });
    const [r] = await deliverAll([hook('111')], [message, message], h.options);
    expect(r?.messageIds).toEqual(['a', 'b']);
    expect(h.sleeps).toEqual([800]);
  });

  it('sends JSON with a user agent to the v10 URL', async () => {
    const h = harness({ '111': [json(200, { id: 'a' })] });
    await deliverAll([hook('111')], [message], h.options);
    expect(h.calls[0]?.url).toBe('https://discord.com/api/v10/webhooks/111/token111?wait=true');
    expect(h.calls[0]?.headers['content-type']).toBe('application/json');
    expect(h.calls[0]?.headers['user-agent']).toBe('test');
    expect(JSON.parse(h.calls[0]?.body ?? '')).toEqual(message);
  });

  it('keeps waiting out 429s for as long as the budget lasts, however many', async () => {
    const limited = Array.from({ length: 40 }, () => json(429, { retry_after: 0.5 }));
    const h = harness({ '111': [...limited, json(200, { id: 'late' })] }, 60_000);
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r).toMatchObject({ ok: true, messageIds: ['late'], attempts: 41 });
  });

  it('waits at least 250 ms after a 429 that says 0 or less, and jitters repeated 429s', async () => {
    const h = harness({
      '111': [json(429, { retry_after: 0 }), json(429, { retry_after: -1 }), json(200, { id: 'a' })],
    });
    await deliverAll([hook('111')], [message], h.options);
    // random() is 0.5 in the harness: the second wait is 250 + 0.5 × 125.
    expect(h.sleeps).toEqual([250, 313]);
  });

  it('never resends a message whose body went out before the connection reset', async () => {
    const reset = Object.assign(netError('ECONNRESET'), { bodySent: true });
    const h = harness({ '111': [reset, json(200, { id: 'dup' })] });
    const [r] = await deliverAll([hook('111')], [message], h.options);
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    expect(r?.reason).toBe(
      'connection reset after the message was sent: it may have been delivered, so it was not sent again (that could post it twice)',
    );
    expect(h.calls).toHaveLength(1);
  });
});

describe('deliverAll editing and proxies', () => {
  it('edits with PATCH on the message URL (no wait, thread kept) and sends only what an edit may change', async () => {
    const h = harness({ '11': [json(200, { id: '500' })] });
    const threaded = { ...hook('11'), url: `${hook('11').url}&thread_id=77` };
    const full = { content: 'done', username: 'bot', thread_name: 'x', flags: 4096 | 4, embeds: [] };
    const [r] = await deliverAll([threaded], [full], { ...h.options, editMessageId: '500' });
    expect(r).toMatchObject({ ok: true, edited: '500', messageIds: ['500'] });
    expect(h.calls[0]?.method).toBe('PATCH');
    expect(h.calls[0]?.url).toBe('https://discord.com/api/v10/webhooks/11/token11/messages/500?thread_id=77');
    expect(JSON.parse(h.calls[0]?.body ?? '')).toEqual({ content: 'done', embeds: [], flags: 4 });
  });

  it('posts anew when the message is gone (10008), but not when the webhook is (10015)', async () => {
    const h = harness({
      '11': [json(404, { code: 10008, message: 'Unknown Message' }), json(200, { id: '600' })],
      '12': [json(404, { code: 10015, message: 'Unknown Webhook' })],
    });
    const [gone, noHook] = await deliverAll([hook('11'), hook('12')], [message], {
      ...h.options,
      editMessageId: '500',
    });
    expect(gone).toMatchObject({ ok: true, editMissing: '500', messageIds: ['600'], attempts: 2 });
    expect(h.calls.filter((c) => c.url.includes('/11/')).map((c) => c.method)).toEqual(['PATCH', 'POST']);
    expect(noHook).toMatchObject({ ok: false, status: 404 });
    expect(noHook?.reason).toMatch(/^the webhook does not exist/);
    expect(h.calls.filter((c) => c.url.includes('/12/'))).toHaveLength(1);
  });

  it('does not retry a tunnel the proxy refused, and names the proxy, not its URL', async () => {
    const refused = Object.assign(new Error('Failed to establish tunnel via http://u:secret@proxy:3128'), {
      code: 'ERR_PROXY_TUNNEL',
      statusCode: 407,
    });
    const h = harness({ '11': [refused] });
    const [r] = await deliverAll([hook('11')], [message], h.options);
    expect(r).toMatchObject({
      ok: false,
      attempts: 1,
      reason:
        'the proxy (HTTPS_PROXY / HTTP_PROXY) refused the tunnel (HTTP 407: check the proxy credentials)',
    });
  });
});
