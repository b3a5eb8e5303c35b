/* Adversarial review, issues 17/18. Failing tests here are open findings (see the commit message). */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  runAction,
  startDiscordServer,
  startGitHubServer,
  type DiscordServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';
import { envFor, scheduleEvent, SELF, seedRuns } from './fixtures';

/** Adversarial review (issues 17/18): hostile run metadata through the committed detector bundle. */
const P =
  '[Urgent: re-login](https://evil.example/m) @everyone <@&123456789012345678> \u202Eexe\u200B <!-- x --> `` ` ';
const WF = `ci ${P}`;

let discord: DiscordServer;
let gh: GitHubServer;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});
beforeEach(async () => {
  discord.reset();
  gh = await startGitHubServer({ workflows: [{ name: WF, path: 'ci.yml' }, SELF] });
});
afterEach(async () => {
  await gh.close();
});

describe('repeated-failure-detector attack', () => {
  it('hostile commit titles, actors, job and step names and workflow names reach nothing live', async () => {
    seedRuns(gh, 'ci.yml', ['success', 'failure', 'failure', 'failure'], {
      message: `${P}\n::warning::pwned\n##[error]pwned\n\nbody`,
      actor: 'evil[bot]',
      jobs: [
        {
          name: `test ${P}`,
          conclusion: 'failure',
          steps: [{ name: `step ${P}\n::warning::pwned`, conclusion: 'failure' }],
        },
      ],
    });
    const run = await runAction('repeated-failure-detector', {
      ...scheduleEvent,
      env: envFor(gh),
      inputs: { 'webhook-url': discord.webhookUrl(), mention: 'role:999999999999999999' },
    });
    expect(run.exitCode).toBe(0);
    expect(discord.received.length).toBe(1);
    const discordText = JSON.stringify(discord.received.map((m) => m.body));
    const issues = JSON.stringify(gh.issues().map((i) => [i.title, i.body]));
    // The hidden state marker is an HTML comment (its `-->` escaped): never rendered.
    const issuesShown = JSON.stringify(
      gh.issues().map((i) => [i.title, (i.body ?? '').split('<!-- sre-toolkit')[0]]),
    );
    expect(
      [
        discordText,
        run.summary,
        JSON.stringify(gh.issues().map((i) => [i.title, (i.body ?? '').split('<!-- sre-toolkit')[0]])),
      ].join('\n'),
    ).not.toMatch(/[\u202E\u200B]/);
    expect(JSON.stringify(run.outputs)).not.toMatch(/[\u202E\u200B]/);
    // Code spans show their text as typed, in Discord and in issues alike.
    type Shown = { title?: string; description?: string; fields?: { name: string; value: string }[] };
    const texts = [
      ...discord.received.flatMap((m) =>
        ((m.body.embeds ?? []) as Shown[]).flatMap((e) => [
          e.title ?? '',
          e.description ?? '',
          ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
        ]),
      ),
      run.summary,
      ...gh.issues().map((i) => (i.body ?? '').split('<!-- sre-toolkit')[0] ?? ''),
    ];
    for (const text of texts) {
      const outsideCode = text.replace(/\\`/g, '').replace(/`[^`\n]*`/g, '``');
      expect(outsideCode).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
    }
    expect(issuesShown).not.toMatch(/<!-- x/);
    expect(issues).not.toMatch(/<!-- x/);
    expect(run.stdout.split('\n').filter((l) => /^\s*(::|##\[)/.test(l) && /pwned/.test(l))).toEqual([]);
    expect(discordText).not.toMatch(/(?<!\u2060)@everyone/);
    const allowed = discord.received[0]?.body.allowed_mentions as { roles?: string[]; parse?: string[] };
    expect(allowed.parse ?? []).toEqual([]);
    expect(allowed.roles).toEqual(['999999999999999999']);
  });
});
