import { describe, expect, it } from '@jest/globals';
import { validateWebhookBody } from '@sre-toolkit/testkit';
import type { APIEmbed } from 'discord-api-types/v10';
import { compose } from '../src/compose';
import { context, plant, request, webhookExamples } from './fixtures';

const examples = webhookExamples();
const now = new Date('2026-11-28T10:00:00Z');

function embedOf(event: string, payload: Record<string, unknown>, status = 'info' as const) {
  const out = compose(request({ status }), context(event, payload), now);
  if ('skip' in out) throw new Error(out.skip);
  return { message: out.message, embed: out.message.embeds?.[0] as APIEmbed };
}

describe('every example event GitHub documents', () => {
  it('covers at least the 58 event types', () => {
    expect(new Set(examples.map((e) => e.event)).size).toBeGreaterThanOrEqual(58);
  });

  it.each(examples.map((e, i) => [`${e.event} #${i}`, e.event, e.payload] as const))(
    '%s builds a valid message that pings nobody, even with @everyone in its text',
    (_label, event, payload) => {
      const { message, embed } = embedOf(event, plant(payload));
      expect(validateWebhookBody(message as Record<string, unknown>, false)).toBeNull();
      expect(message.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
      expect(message.content).toBeUndefined();
      const text = JSON.stringify(message);
      expect(text).not.toMatch(/@(everyone|here)/);
      // Author names are plain text in Discord (no markdown), so only the rendered parts must be escaped.
      const rendered = JSON.stringify({ ...embed, author: undefined });
      expect(rendered).not.toContain('[click](https://evil.example)');
      expect(embed.title?.length).toBeGreaterThan(0);
      expect(embed.url).toMatch(/^https?:\/\//);
    },
  );
});

describe('developer event templates', () => {
  const find = (event: string, pred: (p: Record<string, unknown>) => boolean) => {
    const e = examples.find((x) => x.event === event && pred(x.payload));
    if (!e) throw new Error(`no ${event} example`);
    return e.payload;
  };

  it('says a pull request was opened, with its number, title, branches and link', () => {
    const p = find('pull_request', (x) => x.action === 'opened');
    const pr = p.pull_request as {
      number: number;
      title: string;
      html_url: string;
      head: { ref: string };
      base: { ref: string };
    };
    const { embed } = embedOf('pull_request', p);
    expect(embed.title).toBe(`🔀 PR #${pr.number} opened: ${pr.title}`);
    expect(embed.url).toBe(pr.html_url);
    expect(embed.fields?.find((f) => f.name === 'Branch')?.value).toBe(
      `${pr.head.ref} → ${pr.base.ref}`.replace(/[_*~`|[\]()<>\\]/g, '\\$&'),
    );
    expect(embed.color).toBe(0x0969da);
  });

  it('calls a closed and merged pull request merged, in green', () => {
    const p = find('pull_request', (x) => x.action === 'closed');
    const merged = { ...p, pull_request: { ...(p.pull_request as object), merged: true } };
    const { embed } = embedOf('pull_request', merged);
    expect(embed.title).toMatch(/^🔀 PR #\d+ merged: /);
    expect(embed.color).toBe(0x2ea043);
  });

  it('summarises a push with its commits linked', () => {
    const p = find('push', (x) => Array.isArray(x.commits) && (x.commits as unknown[]).length > 0);
    const { embed } = embedOf('push', p);
    expect(embed.title).toMatch(/^📦 \d+ commits? pushed to |^🌱 /);
    expect(embed.description).toMatch(/\[`[0-9a-f]{7}`\]\(https:\/\/github\.com\/.+\/commit\/[0-9a-f]{40}\)/);
  });

  it('colours a failed workflow_run red and names its branch', () => {
    const p = find('workflow_run', (x) => x.action === 'completed');
    const failed = {
      ...p,
      workflow_run: {
        ...(p.workflow_run as object),
        conclusion: 'failure',
        head_branch: 'main',
        name: 'frontend-ci',
      },
    };
    const { embed } = embedOf('workflow_run', failed);
    expect(embed.title).toBe('❌ frontend-ci failed on main');
    expect(embed.color).toBe(0xd1242f);
  });

  it('gives an event without a template a generic message with event, action and link', () => {
    const p = find('star', () => true);
    const { embed } = embedOf('star', p);
    expect(embed.title).toMatch(/^📣 star (created|deleted) in /);
    expect(embed.fields?.map((f) => f.name)).toEqual(
      expect.arrayContaining(['Event', 'Action', 'Repository']),
    );
  });

  it('survives an empty payload for every templated event', () => {
    for (const event of [
      'pull_request',
      'issues',
      'release',
      'push',
      'workflow_run',
      'deployment_status',
      'check_run',
      'mystery',
    ]) {
      const { message } = embedOf(event, {});
      expect(validateWebhookBody(message as Record<string, unknown>, false)).toBeNull();
    }
  });
});
