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
