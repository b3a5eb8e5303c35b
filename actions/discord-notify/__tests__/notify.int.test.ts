import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DISCORD_DEFAULTS, runAction, startDiscordServer, type DiscordServer } from '@sre-toolkit/testkit';

let discord: DiscordServer;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});
beforeEach(() => discord.reset());

const failureOnMain = {
  eventName: 'push',
  event: {
    ref: 'refs/heads/main',
    head_commit: { id: '3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b', message: 'Fix login crash\n\nlong body' },
    repository: { full_name: 'acme/mara', html_url: 'https://github.com/acme/mara' },
    sender: {
      login: 'octocat',
      html_url: 'https://github.com/octocat',
      avatar_url: 'https://avatars.githubusercontent.com/u/1',
    },
    commits: [],
  },
};

describe('discord-notify bundle', () => {
  it('posts a CI failure to the webhook, v10 with wait=true, and sets its outputs', async () => {
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: { 'webhook-url': discord.webhookUrl(), status: 'failure' },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1);
    const [msg] = discord.received;
    expect(msg?.query).toEqual({ wait: 'true' });
    const embed = (msg?.body.embeds as { title: string; url: string; color: number }[])[0];
    expect(embed?.title).toBe('❌ frontend-ci failed on main');
    expect(embed?.url).toBe('https://github.com/acme/mara/actions/runs/9100000001');
    expect(embed?.color).toBe(0xd1242f);
    expect(msg?.body.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
    expect(run.outputs.sent).toBe('true');
    expect(run.outputs['message-ids']).toBe(msg?.id);
    expect(JSON.parse(run.outputs.payload ?? '{}')).toEqual(msg?.body);
    expect(run.log).not.toContain(DISCORD_DEFAULTS.token);
    expect(run.masked).toContain(DISCORD_DEFAULTS.token);
  });
});

const hookUrl = () => discord.webhookUrl();

describe('discord-notify delivery faults, through the bundle', () => {
  it('waits out a 429 and then delivers once', async () => {
    discord.fail({ kind: 'rate-limit', retryAfter: 0.3 });
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: { 'webhook-url': hookUrl(), status: 'failure' },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.rejected.map((r) => r.status)).toEqual([429]);
    expect(discord.received).toHaveLength(1);
    expect(run.outputs.sent).toBe('true');
    expect(run.log).toContain('rate limited by Discord; retrying in 0.30 s');
  });

  it('keeps the job green through an outage, warns, and saves the message in the summary', async () => {
    discord.fail(Array.from({ length: 9 }, () => ({ kind: 'status', status: 503 }) as const));
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: { 'webhook-url': hookUrl(), status: 'failure', timeout: '2s' },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(0);
    expect(run.outputs.sent).toBe('false');
    expect(run.annotations).toEqual([
      {
        level: 'warning',
        message: `Could not deliver to webhook ${DISCORD_DEFAULTS.id}: Discord answered 503; then timed out: no answer within the 2 s timeout.`,
        properties: { title: 'Discord delivery failed' },
      },
    ]);
    expect(run.summary).toContain('### ⚠️ Undelivered Discord notification');
    expect(run.summary).toContain('❌ frontend-ci failed on main');
    expect(run.summary).not.toContain(DISCORD_DEFAULTS.token);
  });

  it('fails the step in an outage when fail-on-error is true', async () => {
    discord.fail(Array.from({ length: 9 }, () => ({ kind: 'status', status: 500 }) as const));
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: { 'webhook-url': hookUrl(), status: 'failure', 'fail-on-error': 'true', timeout: '1s' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toContain(
      '1 of 1 Discord webhook did not receive the notification (fail-on-error is true).',
    );
  });

  it('cuts off a Discord that never answers at the timeout', async () => {
    discord.fail({ kind: 'hang' });
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: { 'webhook-url': hookUrl(), status: 'failure', timeout: '1500ms' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeLessThan(10_000);
    expect(run.annotations[0]?.message).toBe(
      `Could not deliver to webhook ${DISCORD_DEFAULTS.id}: timed out: no answer within the 1.5 s timeout.`,
    );
  });

  // Policy (README, "When Discord fails"): webhook execution is not idempotent, so a connection
  // that drops after the whole message went out is not retried; the step warns instead.
  it('never posts twice when the connection resets after the message was sent', async () => {
    discord.fail({ kind: 'reset', saved: true });
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: { 'webhook-url': hookUrl(), status: 'failure' },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1);
    expect(discord.requests).toBe(1);
    expect(run.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: `Could not deliver to webhook ${DISCORD_DEFAULTS.id}: connection reset after the message was sent: it may have been delivered, so it was not sent again (that could post it twice).`,
      }),
    ]);
    expect(run.outputs.sent).toBe('false');
  });

  it('refuses to send the webhook token to a host that is not Discord', async () => {
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: {
        'webhook-url': 'https://discord.com.evil.example/api/webhooks/123/tok-abcdef',
        status: 'failure',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toMatch(
      /^Input "webhook-url" must be on discord\.com or discordapp\.com/,
    );
    expect(run.log).not.toContain('tok-abcdef');
  });

  it('does not retry a deleted webhook and says so', async () => {
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: { 'webhook-url': discord.webhookUrl('999999999', 'gone'), status: 'failure' },
    });
    expect(discord.rejected).toEqual([expect.objectContaining({ status: 404 })]);
    expect(run.annotations[0]?.message).toMatch(
      /webhook 999999999: the webhook does not exist: it was deleted/,
    );
  });

  it('delivers to a second webhook when the first is broken', async () => {
    discord.addWebhook('223344556677', 'second_token');
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: {
        'webhook-url': `${discord.webhookUrl('999999999', 'gone')}\n${discord.webhookUrl('223344556677', 'second_token')}`,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received.map((r) => r.webhookId)).toEqual(['223344556677']);
    expect(run.outputs.sent).toBe('false');
    expect(run.log).not.toContain('second_token');
  });

  it('sends to two webhooks', async () => {
    discord.addWebhook('223344556677', 'second_token');
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: {
        'webhook-url': `${hookUrl()}\n${discord.webhookUrl('223344556677', 'second_token')}`,
        status: 'success',
      },
    });
    expect(discord.received.map((r) => r.webhookId).sort()).toEqual(['112233445566778899', '223344556677']);
    expect(run.outputs['message-ids']?.split(',')).toHaveLength(2);
  });
});

describe('discord-notify inputs, through the bundle', () => {
  it('rejects a bad webhook-url before sending anything, without printing it', async () => {
    const secretish = 'https://discord.com/api/hooks/123456/very-secret-token';
    const run = await runAction('discord-notify', {
      inputs: { 'webhook-url': secretish, color: 'purple-ish' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'Input "webhook-url" is not a Discord webhook URL: expected https://discord.com/api/webhooks/<id>/<token>',
      'Input "color" must be a colour name (red, green, yellow, orange, blue, purple, grey), #rrggbb, or an integer 0-16777215; got "purple-ish"',
      '2 inputs are not valid (see above).',
    ]);
    expect(discord.requests).toBe(0);
    expect(run.log).not.toContain('very-secret-token');
  });

  it('names the Slack suffix as the problem', async () => {
    const run = await runAction('discord-notify', { inputs: { 'webhook-url': `${hookUrl()}/slack` } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toMatch(/^Input "webhook-url" ends in \/slack/);
  });

  it('requires a webhook unless dry-run', async () => {
    const run = await runAction('discord-notify', {});
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toBe('Input "webhook-url" is required unless dry-run is true');
  });

  it('prints the message in dry-run and sends nothing', async () => {
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: { 'dry-run': 'true', status: 'success', environment: 'production', version: '1.4.2' },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.requests).toBe(0);
    expect(run.outputs.sent).toBe('false');
    expect(JSON.parse(run.outputs.payload ?? '').embeds[0].title).toBe(
      '✅ mara 1.4.2 deployed to production',
    );
    expect(run.summary).toContain('### Discord message (dry run, deploy template)');
  });

  it('fits oversized text into Discord limits instead of being rejected', async () => {
    const run = await runAction('discord-notify', {
      ...failureOnMain,
      inputs: {
        'webhook-url': hookUrl(),
        title: 'T'.repeat(400),
        description: 'word '.repeat(2000),
        content: 'c'.repeat(2500),
        fields: Array.from({ length: 30 }, (_, i) => `Field ${i}: ${'v'.repeat(1500)}`).join('\n'),
      },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.rejected).toEqual([]);
    const body = discord.received[0]?.body as {
      content: string;
      embeds: { title: string; fields: unknown[] }[];
    };
    expect(body.content).toHaveLength(2000);
    expect(body.embeds[0]?.title).toHaveLength(256);
    expect(body.embeds[0]?.fields).toHaveLength(25);
  });
});
