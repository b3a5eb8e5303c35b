import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAction, startDiscordServer, webhookExamples, type DiscordServer } from '@sre-toolkit/testkit';

let discord: DiscordServer;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});

const BODY = [
  '## Summary',
  '',
  'Fixes the login crash.',
  '',
  '- [x] tests',
  '- [ ] docs',
  '',
  'See [the release checklist](https://evil.example/phish) @everyone',
  '<img src="https://evil.example/pixel.png">',
].join('\r\n');

describe('discord-notify renders a pull request body safely, through the bundle', () => {
  it('keeps headings and the task list, shows the masked link target, pings nobody', async () => {
    const found = webhookExamples().find(
      (e) => e.event === 'pull_request' && (e.payload as { action: string }).action === 'opened',
    );
    const payload = structuredClone(found!.payload) as { pull_request: { body: string } };
    payload.pull_request.body = BODY;
    const run = await runAction('discord-notify', {
      eventName: 'pull_request',
      event: payload,
      inputs: { 'webhook-url': discord.webhookUrl() },
    });
    expect(run.exitCode).toBe(0);
    const body = discord.received[0]?.body as {
      embeds: { description: string }[];
      allowed_mentions: unknown;
      content?: string;
    };
    expect(body.embeds[0]?.description).toBe(
      [
        '## Summary',
        '',
        'Fixes the login crash.',
        '',
        '- ☑ tests',
        '- ☐ docs',
        '',
        'See the release checklist (<https://evil.example/phish>) @\u2060everyone',
      ].join('\n'),
    );
    expect(body.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
    expect(body.content).toBeUndefined();
  });
});
