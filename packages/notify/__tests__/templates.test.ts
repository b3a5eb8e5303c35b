import { describe, expect, it } from '@jest/globals';
import type { APIEmbed } from 'discord-api-types/v10';
import { parseFields, parseStartedAt } from '../src/author-inputs';
import { compose } from '../src/compose';
import { context, request } from './fixtures';

const now = new Date('2026-11-28T10:00:00Z');
const push = {
  ref: 'refs/heads/main',
  head_commit: { id: '3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b', message: 'Fix *login* crash\n\nbody' },
};

function embed(over: Parameters<typeof request>[0], ctx = context('push', push)) {
  const out = compose(request(over), ctx, now);
  if ('skip' in out) throw new Error(out.skip);
  return { embed: out.message.embeds?.[0] as APIEmbed, message: out.message, template: out.template };
}

describe('ci template', () => {
  it('leads with what happened and where, and links the run and commit', () => {
    const { embed: e, template } = embed({ status: 'failure' });
    expect(template).toBe('ci');
    expect(e.title).toBe('❌ frontend-ci failed on main');
    expect(e.url).toBe('https://github.com/acme/mara/actions/runs/9100000001');
    expect(e.description).toBe(
      '[`3f2a9c1`](https://github.com/acme/mara/commit/3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b) Fix \\*login\\* crash',
    );
    expect(e.fields?.map((f) => f.name)).toEqual(['Repository', 'Branch', 'Job', 'Actor', 'Run']);
    expect(e.fields?.find((f) => f.name === 'Run')?.value).toBe(
      '[frontend-ci #42](https://github.com/acme/mara/actions/runs/9100000001)',
    );
  });

  it('names the pull request for a PR run', () => {
    const ctx = context('pull_request', {
      number: 12,
      pull_request: {
        number: 12,
        head: { ref: 'feat/x', sha: 'abcdef1234567' },
        title: 'Add x',
        html_url: 'https://github.com/acme/mara/pull/12',
      },
    });
    expect(embed({ status: 'success' }, ctx).embed.title).toBe('✅ frontend-ci succeeded on PR #12');
  });

  it('mentions only on the statuses in mention-on', () => {
    const mention = { users: ['123456'], roles: [], here: false, everyone: false };
    expect(embed({ status: 'failure', mention }).message.content).toBe('<@123456>');
    expect(embed({ status: 'success', mention }).message.content).toBeUndefined();
  });

  it('skips statuses left out of notify-on', () => {
    expect(
      compose(request({ status: 'success', notifyOn: ['failure'] }), context('push', push), now),
    ).toEqual({
      skip: 'status success is not in notify-on (failure); nothing sent',
    });
  });
});

describe('deploy template', () => {
  it('is chosen by environment or version and shows duration', () => {
    const { embed: e, template } = embed({
      status: 'success',
      environment: 'production',
      version: '1.4.2',
      startedAt: new Date('2026-11-28T09:56:48Z'),
    });
    expect(template).toBe('deploy');
    expect(e.title).toBe('✅ mara 1.4.2 deployed to production in 3m 12s');
    expect(e.fields?.slice(0, 3)).toEqual([
      { name: 'Environment', value: 'production', inline: true },
      { name: 'Version', value: '1.4.2', inline: true },
      { name: 'Duration', value: '3m 12s', inline: true },
    ]);
  });

  it('says a failed deploy failed', () => {
    expect(embed({ status: 'failure', environment: 'staging' }).embed.title).toBe(
      '❌ Deploy of mara to staging failed',
    );
  });
});

describe('author overrides', () => {
  it('replaces title, url, colour and footer, and appends fields', () => {
    const { embed: e } = embed({
      status: 'failure',
      title: 'Custom',
      url: 'https://example.com/x',
      color: 0x123456,
      footer: 'f',
      fields: [{ name: 'A', value: 'b' }],
    });
    expect(e).toMatchObject({
      title: 'Custom',
      url: 'https://example.com/x',
      color: 0x123456,
      footer: { text: 'f' },
    });
    expect(e.fields?.at(-1)).toEqual({ name: 'A', value: 'b', inline: true });
  });

  it('plain sends only what the author wrote', () => {
    const { embed: e } = embed({ template: 'plain', title: 'Hello', description: 'World' });
    expect(e.title).toBe('Hello');
    expect(e.description).toBe('World');
    expect(e.fields).toBeUndefined();
  });
});

describe('parseFields', () => {
  it('reads Name: value lines, continuing values on lines without a colon', () => {
    expect(parseFields('Build: 512\nNotes: first\nsecond')).toEqual({
      value: [
        { name: 'Build', value: '512' },
        { name: 'Notes', value: 'first\nsecond' },
      ],
    });
  });
  it('reads a JSON object', () => {
    expect(parseFields('{"A": "1", "B": 2}')).toEqual({
      value: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    });
  });
  it('explains broken JSON', () => {
    expect(parseFields('{"A": ')).toEqual({ error: expect.stringMatching(/does not parse/) });
  });
});

describe('parseStartedAt', () => {
  it('accepts ISO times and epoch seconds', () => {
    expect(parseStartedAt('2026-11-28T09:30:00Z')).toEqual({ value: new Date('2026-11-28T09:30:00Z') });
    expect(parseStartedAt('1795858200')).toEqual({ value: new Date(1795858200 * 1000) });
  });
  it('rejects anything else, naming the forms', () => {
    expect(parseStartedAt('yesterday')).toEqual({ error: expect.stringMatching(/ISO 8601.*epoch seconds/) });
  });
});
