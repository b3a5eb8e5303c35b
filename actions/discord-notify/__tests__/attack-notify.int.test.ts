/* Adversarial review, issues 17/18. Failing tests here are open findings (see the commit message). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { runAction, startDiscordServer, type DiscordServer } from '@sre-toolkit/testkit';

/** Adversarial review (issues 17/18): webhook hosts and hostile inputs through the discord-notify bundle. */
let discord: DiscordServer;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});
beforeEach(() => discord.reset());

const TOKEN = 'hostTOKEN_abcdef123456';
const notify = (inputs: Record<string, string>, event: unknown = {}, eventName = 'push') =>
  runAction('discord-notify', {
    inputs: { status: 'failure', ...inputs },
    event,
    eventName,
    env: { NO_PROXY: '*' },
  });

describe('discord-notify attack: webhook hosts', () => {
  it.each([
    'https://discord.com.evil.example/api/webhooks/1/TOK',
    'https://evil.example/api/webhooks/1/TOK',
    'https://discord.com@evil.example/api/webhooks/1/TOK',
    'https://evil.example\\@discord.com/api/webhooks/1/TOK',
    'https://evil.example#@discord.com/api/webhooks/1/TOK',
    'https://evil.example/x?@discord.com/api/webhooks/1/TOK',
    'https://DISCORD.COM./api/webhooks/1/TOK',
    'https://xn--discord-1fa.com/api/webhooks/1/TOK',
    'https://dіscord.com/api/webhooks/1/TOK',
    'http://localhost.evil.example/api/webhooks/1/TOK',
    'https://127.0.0.1.nip.io/api/webhooks/1/TOK',
    'https://evil.example/discord.com/api/webhooks/1/TOK',
  ])('%s is refused and its token never shows', async (url) => {
    const run = await notify({ 'webhook-url': url.replace('TOK', TOKEN), timeout: '3s' });
    expect(run.outputs.sent).not.toBe('true');
    expect(run.stdout).toMatch(
      /discord\.com or discordapp\.com|not a Discord webhook|not a URL|must use https|user name or password/,
    );
    expect([run.log, run.summary, JSON.stringify(run.outputs)].join('\n')).not.toContain(TOKEN);
  });
});

describe('discord-notify attack: inputs and events', () => {
  it('hostile branch names, PR titles, url/avatar inputs and prototype keys', async () => {
    const P =
      '[Urgent](https://evil.example/m) @everyone <@&123456789012345678> \u202Eexe\u200B\n::warning::pwned';
    const run = await notify(
      {
        'webhook-url': discord.webhookUrl(),
        url: 'https://github.com/acme/mara',
        'avatar-url': 'https://evil.example/a.png',
        color: 'red',
        fields: JSON.stringify({ __proto__: 'x', constructor: P, [P]: P }),
        title: P,
        footer: P,
      },
      {
        ref: `refs/heads/${P}`,
        head_commit: { id: 'a'.repeat(40), message: P, author: { name: P, username: P } },
        commits: [{ id: 'b'.repeat(40), message: P, author: { name: P } }],
        sender: { login: P },
        pusher: { name: P },
        repository: { full_name: 'acme/mara', html_url: 'https://github.com/acme/mara' },
        compare: 'https://evil.example/compare',
      },
    );
    const body = JSON.stringify(discord.received.map((m) => m.body));
    console.log(
      run.stdout
        .split('\n')
        .filter((l) => l.startsWith('::'))
        .join('\n'),
    );
    expect(run.stdout.split('\n').filter((l) => /^\s*(::|##\[)/.test(l) && /pwned/.test(l))).toEqual([]);
    expect(discord.received.length).toBe(1);
    expect(body).not.toContain('evil.example/compare');
    // Event text (the commit message) is cleaned and escaped. Author inputs (title, footer, fields)
    // are passed as written, bidi and links included: a finding only when a workflow interpolates
    // event text into them (see the report).
    const description = String(
      (discord.received[0]?.body.embeds as { description?: string }[])[0]?.description,
    );
    expect(description).not.toMatch(/[\u202E\u200B]/);
    expect(description).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
  });
});
