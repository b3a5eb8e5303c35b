import { webhookExamples } from '@sre-toolkit/testkit';
import type { Scenario } from './demo';

const repo = { full_name: 'acme/mara', html_url: 'https://github.com/acme/mara', name: 'mara' };
const sender = {
  login: 'octocat',
  html_url: 'https://github.com/octocat',
  avatar_url: 'https://avatars.githubusercontent.com/u/583231',
};
const SHA = '3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b';

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

/** discord-notify: a failing CI run, a deploy, a PR whose title tries to ping everyone. */
export const notifyScenarios: Scenario[] = [
  {
    title: 'A CI run fails on main',
    action: 'discord-notify',
    prepare: (w) => ({
      eventName: 'push',
      event: {
        ref: 'refs/heads/main',
        repository: repo,
        sender,
        head_commit: { id: SHA, message: 'Cache the login token (#412)' },
        commits: [],
      },
      inputs: {
        'webhook-url': w.webhook('dev-events'),
        status: 'failure',
        mention: 'role:445566778899001122',
      },
    }),
    check: (run) => expect(run.outputs.sent === 'true', 'the CI failure was not delivered'),
  },
  {
    title: 'A deploy to production succeeds',
    action: 'discord-notify',
    prepare: (w) => ({
      eventName: 'workflow_dispatch',
      event: { ref: 'refs/heads/main', repository: repo, sender, inputs: { environment: 'production' } },
      env: { GITHUB_WORKFLOW: 'frontend-deploy' },
      inputs: {
        'webhook-url': w.webhook('deploys'),
        status: 'success',
        environment: 'production',
        version: '2.8.0+512',
        'started-at': new Date(Date.now() - 254_000).toISOString(),
      },
    }),
    check: (run) => expect(run.outputs.sent === 'true', 'the deploy message was not delivered'),
  },
  {
    title: 'A pull request is opened with @everyone in its title',
    action: 'discord-notify',
    prepare: (w) => {
      const example = webhookExamples().find(
        (e) => e.event === 'pull_request' && e.payload.action === 'opened',
      );
      const pr = {
        ...(example?.payload.pull_request as object),
        title: 'Fix checkout crash @everyone please review',
        body: 'Closes #88. **Ping** @here',
      };
      return {
        eventName: 'pull_request',
        event: { ...example?.payload, pull_request: pr },
        inputs: { 'webhook-url': w.webhook('dev-events') },
      };
    },
    check: (run) => {
      const body = JSON.parse(run.outputs.payload ?? '{}') as { allowed_mentions?: { parse?: string[] } };
      expect(
        JSON.stringify(body.allowed_mentions) === '{"parse":[],"users":[],"roles":[]}',
        'the PR message could ping',
      );
      expect(!/@(everyone|here)/.test(run.outputs.payload ?? ''), 'the PR message carries a live @everyone');
    },
  },
];

/** Every scenario of the demo, in story order. */
export function allScenarios(): Scenario[] {
  return [...notifyScenarios];
}
