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

const deploy = (inputs: Record<string, string>) =>
  runAction('discord-notify', {
    eventName: 'push',
    inputs: { 'webhook-url': discord.webhookUrl(), environment: 'production', version: '1.4.2', ...inputs },
  });
const titleOf = (body: Record<string, unknown> | undefined) =>
  (body?.embeds as { title: string }[] | undefined)?.[0]?.title;

describe('discord-notify edits the message of an earlier step, through the bundle', () => {
  it('posts "Deploying…", then turns that same message into "deployed … in …" by message-id', async () => {
    const start = await deploy({ status: 'info' });
    expect(start.exitCode).toBe(0);
    const id = start.outputs['message-id'];
    expect(id).toBe(discord.received[0]?.id);
    expect(start.outputs['message-ids']).toBe(id);
    expect(titleOf(discord.received[0]?.body)).toBe('🚀 Deploying mara 1.4.2 to production…');

    const end = await deploy({ status: 'success', 'message-id': id ?? '' });
    expect(end.exitCode).toBe(0);
    expect(discord.received).toHaveLength(1); // no second post
    expect(discord.edits).toHaveLength(1);
    expect(discord.edits[0]).toMatchObject({ messageId: id, query: {} });
    // Content cleared (null), embeds replaced; nothing an edit cannot carry.
    expect(Object.keys(discord.edits[0]?.body ?? {}).sort()).toEqual([
      'allowed_mentions',
      'content',
      'embeds',
    ]);
    // The duration comes from the edited message's own id (a snowflake holds its creation time).
    expect(titleOf(discord.message(id ?? ''))).toMatch(/^✅ mara 1\.4\.2 deployed to production in \d+m?s$/);
    expect(end.outputs['message-id']).toBe(id);
    expect(end.outputs.sent).toBe('true');
    expect(end.stdout).toContain(
      `Edited message ${id} and delivered 1 message to webhook ${DISCORD_DEFAULTS.id}`,
    );
    expect(end.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  });

  it('edits a message in a thread with its thread_id', async () => {
    const start = await deploy({ status: 'info', 'thread-id': '998877665544332211' });
    const id = start.outputs['message-id'] ?? '';
    expect(discord.received[0]?.query).toEqual({ wait: 'true', thread_id: '998877665544332211' });
    const end = await deploy({ status: 'failure', 'thread-id': '998877665544332211', 'message-id': id });
    expect(end.exitCode).toBe(0);
    expect(discord.edits.map((e) => [e.messageId, e.query])).toEqual([
      [id, { thread_id: '998877665544332211' }],
    ]);
    expect(titleOf(discord.message(id))).toBe('❌ Deploy of mara 1.4.2 to production failed');
  });

  it('edits the first message of a forum post it created, in that post', async () => {
    discord.addWebhook('445566778899001122', 'forum_TOKEN', 'forum');
    const url = discord.webhookUrl('445566778899001122', 'forum_TOKEN');
    const start = await deploy({ status: 'info', 'webhook-url': url, 'thread-name': 'Deploy 1.4.2' });
    const id = start.outputs['message-id'] ?? '';
    const end = await deploy({
      status: 'success',
      'webhook-url': url,
      'thread-name': 'Deploy 1.4.2',
      'message-id': id,
    });
    expect(end.exitCode).toBe(0);
    expect(discord.edits.map((e) => [e.messageId, e.query])).toEqual([[id, { thread_id: id }]]);
    expect(discord.received).toHaveLength(1);
  });

  it('posts a new message, with a warning, when the message to edit is gone', async () => {
    const start = await deploy({ status: 'info' });
    const id = start.outputs['message-id'] ?? '';
    discord.deleteMessage(id);
    const end = await deploy({ status: 'success', 'message-id': id });
    expect(end.exitCode).toBe(0);
    expect(discord.edits).toEqual([]);
    expect(discord.received).toHaveLength(2);
    const fresh = discord.received[1]?.id ?? '';
    expect(titleOf(discord.received[1]?.body)).toMatch(/^✅ mara 1\.4\.2 deployed to production in /);
    const warning = `Message ${id} to edit is gone from webhook ${DISCORD_DEFAULTS.id} (deleted, or in another channel or thread): posted a new message (${fresh}) instead.`;
    expect(end.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([warning]);
    expect(end.summary).toContain(warning);
    expect(end.outputs['message-id']).toBe(fresh);
    expect(end.outputs.sent).toBe('true');
  });

  it('does not post anew when the webhook itself is gone (404 code 10015)', async () => {
    const run = await deploy({
      status: 'success',
      'message-id': '1310000000000000000',
      'webhook-url': discord.webhookUrl('111111111111111111', 'nope'),
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received).toEqual([]);
    expect(run.outputs.sent).toBe('false');
    expect(run.outputs['message-id']).toBe('');
    expect(run.annotations.find((a) => a.level === 'warning')?.message).toMatch(
      /^Could not deliver to webhook 111111111111111111: the webhook does not exist/,
    );
  });

  it('refuses a message-id that is not an id, and one with several webhooks', async () => {
    const bad = await deploy({ 'message-id': 'abc' });
    expect(bad.exitCode).toBe(1);
    expect(bad.annotations[0]?.message).toBe(
      'Input "message-id" must be a numeric Discord message id (the message-id output of an earlier step or job)',
    );
    const two = await deploy({
      'message-id': '1310000000000000000',
      'webhook-url': `${discord.webhookUrl()}\n${discord.webhookUrl()}`,
    });
    expect(two.exitCode).toBe(1);
    expect(two.annotations[0]?.message).toBe(
      'Input "message-id" edits one message on one webhook, but webhook-url has 2; use one webhook-url with message-id',
    );
    expect(discord.requests).toBe(0);
  });
});

describe('discord-notify forum tags, through the bundle', () => {
  it('applies thread-tags to the forum post thread-name creates', async () => {
    discord.addWebhook('445566778899001122', 'forum_TOKEN', 'forum');
    const run = await runAction('discord-notify', {
      inputs: {
        'webhook-url': discord.webhookUrl('445566778899001122', 'forum_TOKEN'),
        'thread-name': 'Deploy 1.4.2',
        'thread-tags': '1111111111111111111, 2222222222222222222',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received[0]?.body.applied_tags).toEqual(['1111111111111111111', '2222222222222222222']);
  });

  it('refuses tags without thread-name, more than five, or not ids', async () => {
    const without = await runAction('discord-notify', {
      inputs: { 'webhook-url': discord.webhookUrl(), 'thread-tags': '1111111111111111111' },
    });
    expect(without.annotations[0]?.message).toBe(
      'Input "thread-tags" tags a new forum post: set thread-name too',
    );
    const six = await runAction('discord-notify', {
      inputs: { 'webhook-url': discord.webhookUrl(), 'thread-name': 'x', 'thread-tags': '1 2 3 4 5 6' },
    });
    expect(six.annotations[0]?.message).toBe('Input "thread-tags" has 6 tags; a forum post takes at most 5');
    const word = await runAction('discord-notify', {
      inputs: { 'webhook-url': discord.webhookUrl(), 'thread-name': 'x', 'thread-tags': 'bug' },
    });
    expect(word.annotations[0]?.message).toBe(
      'Input "thread-tags" has "bug", which is not a numeric forum tag id',
    );
    expect([without.exitCode, six.exitCode, word.exitCode]).toEqual([1, 1, 1]);
    expect(discord.requests).toBe(0);
  });
});
