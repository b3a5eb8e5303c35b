import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateWebhookBody } from '@sre-toolkit/testkit';
import { escapeMarkdown, neutralizeMentions } from '../src/markdown';
import { buildMessage, buildMessages, parseMentions } from '../src/message';

describe('parseMentions', () => {
  it('reads users, roles and here in every accepted form', () => {
    expect(parseMentions('<@111111> user:222222, 333333\n<@&444444> role:555555 @here')).toEqual({
      value: {
        users: ['111111', '222222', '333333'],
        roles: ['444444', '555555'],
        here: true,
        everyone: false,
      },
    });
  });

  it('names the item it cannot read', () => {
    expect(parseMentions('@alice')).toEqual({
      error: expect.stringContaining('"@alice", which is not a mention'),
    });
  });
});

describe('buildMessage', () => {
  it('always sends allowed_mentions with exactly the configured ids', () => {
    const m = buildMessage([{ title: 't' }], {
      mentions: { users: ['111111'], roles: ['222222'], here: false, everyone: false },
      content: 'deploy failed @everyone',
    });
    expect(m.allowed_mentions).toEqual({ parse: [], users: ['111111'], roles: ['222222'] });
    expect(m.content).toBe('<@111111> <@&222222> deploy failed @\u2060everyone');
  });

  it('allows @here only when configured, and then through parse', () => {
    const m = buildMessage([{ title: 't' }], {
      mentions: { users: [], roles: [], here: true, everyone: false },
    });
    expect(m.content).toBe('@here');
    expect(m.allowed_mentions).toEqual({ parse: ['everyone'], users: [], roles: [] });
  });

  it('sets the suppress-notifications flag', () => {
    expect(buildMessage([{ title: 't' }], { suppressNotifications: true }).flags).toBe(4096);
  });
});

describe('buildMessages', () => {
  it('splits 23 embeds into messages of at most ten, mentions on the first only', () => {
    const embeds = Array.from({ length: 23 }, (_, i) => ({ title: `crash ${i}`, description: 'd' }));
    const ms = buildMessages(embeds, {
      content: 'digest',
      mentions: { users: ['123456'], roles: [], here: false, everyone: false },
    });
    expect(ms.map((m) => m.embeds?.length)).toEqual([10, 10, 3]);
    expect(ms[0]?.content).toBe('<@123456> digest');
    expect(ms[1]?.content).toBeUndefined();
    expect(ms[1]?.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
  });

  it('starts a new message before the 6000-character total is reached', () => {
    const embeds = Array.from({ length: 4 }, () => ({ title: 't', description: 'x'.repeat(2500) }));
    const ms = buildMessages(embeds);
    expect(ms).toHaveLength(2);
    for (const m of ms) expect(validateWebhookBody(m as Record<string, unknown>, false)).toBeNull();
  });
});

describe('escapeMarkdown', () => {
  it('shows links, headings and formatting as typed', () => {
    expect(escapeMarkdown('# Title [click](http://evil) **bold** `code`')).toBe(
      '\\# Title \\[click\\]\\(http://evil\\) \\*\\*bold\\*\\* \\`code\\`',
    );
  });
  it('neutralizes @everyone and @here in any case', () => {
    expect(neutralizeMentions('@everyone @HERE')).toBe('@\u2060everyone @\u2060HERE');
  });
});

describe('any text at all', () => {
  it('builds a payload the Discord stand-in accepts', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 7000 });
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.array(fc.tuple(text, text), { maxLength: 40 }),
        (title, description, content, fields) => {
          const m = buildMessage(
            [
              {
                title,
                description: escapeMarkdown(description),
                fields: fields.map(([name, value]) => ({ name, value })),
              },
            ],
            { content },
          );
          expect(validateWebhookBody(m as Record<string, unknown>, false)).toBeNull();
        },
      ),
      { numRuns: 150 },
    );
  });
});
