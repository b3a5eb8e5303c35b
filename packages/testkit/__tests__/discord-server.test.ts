import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as http from 'node:http';
import { startDiscordServer, validateWebhookBody, type DiscordServer } from '../src/discord-server';

let server: DiscordServer;
beforeAll(async () => {
  server = await startDiscordServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

function post(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: data ? JSON.parse(data) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const v10 = (url: string) => url.replace('/api/webhooks/', '/api/v10/webhooks/');

describe('validateWebhookBody enforces Discord limits', () => {
  it.each([
    ['content over 2000', { content: 'x'.repeat(2001) }, ['content']],
    ['title over 256', { embeds: [{ title: 'x'.repeat(257) }] }, ['embeds', '0', 'title']],
    [
      'description over 4096',
      { embeds: [{ description: 'x'.repeat(4097) }] },
      ['embeds', '0', 'description'],
    ],
    [
      '26 fields',
      { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'a', value: 'b' })) }] },
      ['embeds', '0', 'fields'],
    ],
    [
      'field value over 1024',
      { embeds: [{ fields: [{ name: 'a', value: 'x'.repeat(1025) }] }] },
      ['embeds', '0', 'fields', '0', 'value'],
    ],
    [
      'empty field name',
      { embeds: [{ fields: [{ name: ' ', value: 'b' }] }] },
      ['embeds', '0', 'fields', '0', 'name'],
    ],
    ['footer over 2048', { embeds: [{ footer: { text: 'x'.repeat(2049) } }] }, ['embeds', '0', 'footer']],
    ['11 embeds', { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }, ['embeds']],
    [
      '6001 characters in all',
      { embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] },
      ['embeds'],
    ],
    ['colour over 0xffffff', { embeds: [{ title: 't', color: 0x1000000 }] }, ['embeds', '0', 'color']],
    ['username with discord', { content: 'x', username: 'My Discord bot' }, ['username']],
    [
      'parse users with user ids',
      { content: 'x', allowed_mentions: { parse: ['users'], users: ['1'] } },
      ['allowed_mentions'],
    ],
  ])('rejects %s with 50035 at the right path', (_what, body, path) => {
    const r = validateWebhookBody(body as Record<string, unknown>, false);
    expect(r?.code).toBe(50035);
    let node: unknown = r?.errors;
    for (const key of path) node = (node as Record<string, unknown>)[key];
    expect((node as { _errors: unknown[] })._errors).toHaveLength(1);
  });

  it('rejects an empty message with 50006 and a forum post without thread_name with 220001', () => {
    expect(validateWebhookBody({}, false)?.code).toBe(50006);
    expect(validateWebhookBody({ content: 'x' }, true)?.code).toBe(220001);
    expect(validateWebhookBody({ content: 'x', thread_name: 't' }, false)?.code).toBe(220003);
  });

  it('accepts a message at every limit exactly', () => {
    const body = {
      content: 'x'.repeat(2000),
      embeds: [
        {
          title: 'x'.repeat(256),
          description: 'x'.repeat(3000),
          fields: [{ name: 'x'.repeat(256), value: 'x'.repeat(1024) }],
          footer: { text: 'x'.repeat(1464) },
        },
      ],
    };
    expect(validateWebhookBody(body, false)).toBeNull();
  });
});

describe('the Discord stand-in answers like Discord', () => {
  it('answers 200 with the saved message for wait=true, 204 without', async () => {
    const withWait = await post(`${v10(server.webhookUrl())}?wait=true`, { content: 'hi' });
    expect(withWait.status).toBe(200);
    expect(withWait.json).toMatchObject({ content: 'hi', id: expect.stringMatching(/^\d+$/) });
    const without = await post(v10(server.webhookUrl()), { content: 'hi' });
    expect(without.status).toBe(204);
    expect(server.received).toHaveLength(2);
  });

  it('answers 404 code 10015 for an unknown webhook and 401 code 50027 for a wrong token', async () => {
    expect((await post(v10(server.webhookUrl('424242', 'x')), { content: 'hi' })).json).toEqual({
      message: 'Unknown Webhook',
      code: 10015,
    });
    const wrongToken = await post(v10(server.webhookUrl(undefined, 'wrong')), { content: 'hi' });
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.json).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
  });

  it('answers 429 with retry_after and rate-limit headers once its bucket is empty', async () => {
    server.rateLimit(2, 60_000);
    await post(v10(server.webhookUrl()), { content: '1' });
    await post(v10(server.webhookUrl()), { content: '2' });
    const limited = await post(v10(server.webhookUrl()), { content: '3' });
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({
      message: 'You are being rate limited.',
      global: false,
      retry_after: expect.any(Number),
    });
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses unversioned URLs so a client cannot fall back to v6 by accident', async () => {
    expect((await post(server.webhookUrl(), { content: 'hi' })).status).toBe(400);
  });
});
