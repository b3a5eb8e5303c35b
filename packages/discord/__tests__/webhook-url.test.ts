import { describe, expect, it } from '@jest/globals';
import { parseWebhookUrl } from '../src/webhook-url';

const ok = (u: string) => {
  const r = parseWebhookUrl(u);
  if ('error' in r) throw new Error(r.error);
  return r.value;
};
const err = (u: string) => {
  const r = parseWebhookUrl(u);
  if (!('error' in r)) throw new Error('expected an error');
  return r.error;
};

describe('parseWebhookUrl', () => {
  it.each([
    'https://discord.com/api/webhooks/123456789012345678/abcDEF_-123',
    'https://discordapp.com/api/webhooks/123456789012345678/abcDEF_-123',
    'https://canary.discord.com/api/v9/webhooks/123456789012345678/abcDEF_-123',
    'https://ptb.discord.com/api/v10/webhooks/123456789012345678/abcDEF_-123/',
  ])('accepts %s and sends to v10 with wait=true', (u) => {
    const w = ok(u);
    expect(w.id).toBe('123456789012345678');
    expect(w.token).toBe('abcDEF_-123');
    expect(w.url).toMatch(/\/api\/v10\/webhooks\/123456789012345678\/abcDEF_-123\?wait=true$/);
    expect(w.label).toBe('webhook 123456789012345678');
  });

  it('keeps a thread_id', () => {
    expect(ok('https://discord.com/api/webhooks/1234567/tok?thread_id=998877').url).toBe(
      'https://discord.com/api/v10/webhooks/1234567/tok?wait=true&thread_id=998877',
    );
  });

  it('accepts a Discord-compatible proxy with the same path shape', () => {
    expect(ok('https://relay.example.org/discord/api/webhooks/1234567/tok').url).toBe(
      'https://relay.example.org/discord/api/v10/webhooks/1234567/tok?wait=true',
    );
  });

  it('rejects the Slack and GitHub compatible endpoints by name', () => {
    expect(err('https://discord.com/api/webhooks/1234567/tok/slack')).toMatch(
      /ends in \/slack: .*Slack-compatible/,
    );
    expect(err('https://discord.com/api/webhooks/1234567/tok/github')).toMatch(/ends in \/github/);
  });

  it('accepts plain http only for loopback hosts', () => {
    expect(ok('http://127.0.0.1:8080/api/webhooks/1234567/tok').url).toMatch(/^http:\/\/127\.0\.0\.1:8080\//);
    expect(err('http://discord.com/api/webhooks/1234567/tok')).toMatch(/must use https/);
  });

  it('never repeats the token in an error', () => {
    const e = err('https://discord.com/api/hooks/1234567/supersecrettoken');
    expect(e).not.toContain('supersecrettoken');
    expect(e).toMatch(/not a Discord webhook URL/);
  });

  it('rejects text that is not a URL', () => {
    expect(err('not a url')).toMatch(/is not a URL/);
  });
});
