import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { runAction, startDiscordServer, type DiscordServer } from '@sre-toolkit/testkit';

let discord: DiscordServer;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});
beforeEach(() => discord.reset());

// 5,000 characters of release notes: 100 lines of 49 characters and a line break.
const notes = Array.from(
  { length: 100 },
  (_, i) => `- change ${String(i).padStart(3, '0')} ${'x'.repeat(36)}`,
).join('\n');

describe('discord-notify keeps everything it is given, through the bundle', () => {
  it('splits 5,000 characters of content into three messages at line breaks, pinging once', async () => {
    expect(notes.length).toBe(4999);
    const run = await runAction('discord-notify', {
      inputs: {
        'webhook-url': discord.webhookUrl(),
        status: 'failure',
        content: notes,
        mention: '<@&123456789012345678>',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(3);
    const bodies = discord.received.map((m) => m.body);
    const contents = bodies.map((b) => String(b.content));
    for (const c of contents) expect(c.length).toBeLessThanOrEqual(2000);
    expect(contents[0]?.startsWith('<@&123456789012345678> - change 000 ')).toBe(true);
    // Every line whole, in order, none lost.
    expect(contents.join('\n')).toBe(`<@&123456789012345678> ${notes}`);
    expect(contents.slice(1).every((c) => c.startsWith('- change '))).toBe(true);
    expect(bodies.map((b) => b.allowed_mentions)).toEqual([
      { parse: [], users: [], roles: ['123456789012345678'] },
      { parse: [], users: [], roles: [] },
      { parse: [], users: [], roles: [] },
    ]);
    expect(bodies.map((b) => Array.isArray(b.embeds))).toEqual([true, false, false]);
    expect(run.outputs['message-ids']).toBe(discord.received.map((m) => m.id).join(','));
    expect(run.outputs['message-id']).toBe(discord.received[0]?.id);
    expect(run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      "The message did not fit Discord's limits: content of 4,999 characters split into 3 messages (pings only in the first).",
    ]);
  });

  it('sends the later parts of a new forum post into that post', async () => {
    discord.addWebhook('445566778899001122', 'forum_TOKEN', 'forum');
    const run = await runAction('discord-notify', {
      inputs: {
        'webhook-url': discord.webhookUrl('445566778899001122', 'forum_TOKEN'),
        content: notes,
        'thread-name': 'Release notes',
      },
    });
    expect(run.exitCode).toBe(0);
    const [first, ...rest] = discord.received;
    expect(first?.body.thread_name).toBe('Release notes');
    expect(rest.map((m) => [m.query.thread_id, m.body.thread_name])).toEqual([
      [first?.id, undefined],
      [first?.id, undefined],
    ]);
  });

  it('says which fields were dropped and what was cut, in a warning and in the summary', async () => {
    const run = await runAction('discord-notify', {
      inputs: {
        'webhook-url': discord.webhookUrl(),
        status: 'success',
        description: 'word '.repeat(2000),
        fields: Array.from({ length: 40 }, (_, i) => `Field ${i}: ${'v'.repeat(300)}`).join('\n'),
      },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1);
    const embed = (discord.received[0]?.body.embeds as { description: string; fields: unknown[] }[])[0];
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toHaveLength(1);
    const kept = embed?.fields.length ?? 0;
    expect(kept).toBeLessThanOrEqual(25);
    expect(warnings[0]).toContain(
      `description cut from 9,999 to ${embed?.description.length.toLocaleString('en-US')} characters`,
    );
    // The ci template's own five fields (Repository, Branch, Job, Actor, Run) come first.
    const names = (embed?.fields as { name: string }[]).map((f) => f.name);
    expect(names.slice(0, 6)).toEqual(['Repository', 'Branch', 'Job', 'Actor', 'Run', 'Field 0']);
    expect(warnings[0]).toContain(
      `fields ${kept + 1}-45 of 45 dropped ("Field ${kept - 5}", "Field ${kept - 4}", "Field ${kept - 3}", …)`,
    );
    expect(run.summary).toContain('> [!WARNING]');
    expect(run.summary).toContain(`fields ${kept + 1}-45 of 45 dropped`);
  });
});
