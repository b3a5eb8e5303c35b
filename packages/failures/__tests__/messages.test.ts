import { describe, expect, it } from '@jest/globals';
import { buildMessage } from '@sre-toolkit/discord';
import type { StreakState } from '../src/decide';
import { streakIssueBody } from '../src/issue-text';
import { recoveryEmbed, streakAlertEmbed } from '../src/messages';
import { run } from './runs';

const state: StreakState = {
  kind: 'streak',
  workflow: 'Deploy [prod](https://evil.example) @everyone',
  workflow_id: 7,
  branch: 'feat/@here-**bold**',
  count: 4,
  first_run_id: 11,
  first_failed_at: '2026-11-27T08:00:00Z',
  first_run_url: 'https://github.com/acme/mara/actions/runs/11',
  first_sha: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
  first_title: 'Bump @types/node #12',
  last_run_id: 14,
  last_failed_at: '2026-11-27T11:00:00Z',
  last_run_url: 'https://github.com/acme/mara/actions/runs/14',
  notified_count: 4,
};
const now = new Date('2026-11-27T12:00:00Z');

describe('streak alert embed', () => {
  it('says what happened and where in the title, and links the latest failure', () => {
    const embed = streakAlertEmbed({ state, reminder: false, failedSteps: [], repository: 'acme/mara', now });
    expect(embed.title).toBe(
      '❌ Deploy [prod] (https://evil.example) @\u2060everyone failing on feat/@\u2060here-**bold**: 4 failures in a row',
    );
    expect(embed.url).toBe('https://github.com/acme/mara/actions/runs/14');
    expect(embed.description).toBe('acme/mara: broken for 4h, since <t:1795766400:f>.');
  });

  it('escapes repository text in fields so it cannot link, format or ping', () => {
    const embed = streakAlertEmbed({
      state,
      reminder: true,
      failedSteps: [
        {
          job: 'e2e [chrome]',
          jobUrl: 'https://github.com/acme/mara/actions/runs/14/job/1',
          step: '*Run* tests',
        },
      ],
      repository: 'acme/mara',
      now,
    });
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields.Workflow).toBe('Deploy \\[prod\\]\\(https://evil.example\\) @\u2060everyone');
    expect(fields.Branch).toBe('`feat/@here-**bold**`');
    expect(fields['Failing job › step']).toBe(
      '[e2e \\[chrome\\]](https://github.com/acme/mara/actions/runs/14/job/1) › \\*Run\\* tests',
    );
    expect(embed.title?.startsWith('❌ ')).toBe(true);
    expect(embed.title).toContain('still failing');
    // The message built from it pings nobody: mentions only come from the mention input.
    expect(buildMessage([embed]).allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
  });
});

describe('recovery embed', () => {
  it('says how long it was broken and which commit fixed it', () => {
    const fix = run(15, 'success', '2026-11-27T11:30:00Z', { title: 'Fix deploy' });
    const embed = recoveryEmbed({ state, fixedBy: fix, repository: 'acme/mara', now });
    expect(embed.title).toBe(
      '✅ Deploy [prod] (https://evil.example) @\u2060everyone recovered on feat/@\u2060here-**bold** after 4 failures',
    );
    expect(embed.color).toBe(0x2ea043);
    expect(embed.description).toBe(
      'acme/mara: Recovered after 4 failures, broken since <t:1795766400:f>, fixed by `1515151` Fix deploy.',
    );
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields['Broken for']).toBe('3h 30m');
  });
});

describe('streak issue body', () => {
  it('puts commit titles in code spans so they cannot mention or link in the issue', () => {
    const body = streakIssueBody(state, [], 'https://github.com', 'acme/mara');
    expect(body).toContain('`Bump @types/node #12`');
    expect(body).toContain('| Failures in a row | 4 |');
    expect(body).toContain(
      '[`a1b2c3d`](https://github.com/acme/mara/commit/a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0)',
    );
  });
});
