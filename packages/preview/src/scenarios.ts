import { crashCorpusLines, webhookExamples } from '@sre-toolkit/testkit';
import type { DemoWorld, Scenario } from './demo';

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

/** The "Deploying…" message the deploy's end edits (its id passes between the two steps). */
let deployMessage = '';

function deployRun(w: DemoWorld, inputs: Record<string, string>) {
  return {
    eventName: 'workflow_dispatch',
    event: { ref: 'refs/heads/main', repository: repo, sender, inputs: { environment: 'production' } },
    env: { GITHUB_WORKFLOW: 'frontend-deploy' },
    inputs: {
      'webhook-url': w.webhook('deploys'),
      environment: 'production',
      version: '2.8.0+512',
      ...inputs,
    },
  };
}

/** discord-notify: a failing CI run, a deploy (one message, edited when it ends), a PR whose title tries to ping everyone. */
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
    title: 'A deploy to production starts',
    action: 'discord-notify',
    prepare: (w) => deployRun(w, { status: 'info' }),
    check: (run) => {
      deployMessage = run.outputs['message-id'] ?? '';
      expect(/^\d+$/.test(deployMessage), 'the "Deploying…" message has no message-id');
    },
  },
  {
    title: 'The deploy succeeds: the same message is edited',
    action: 'discord-notify',
    prepare: (w) =>
      deployRun(w, {
        status: 'success',
        'message-id': deployMessage,
        'started-at': new Date(Date.now() - 254_000).toISOString(),
      }),
    check: (run, w) => {
      expect(run.outputs.sent === 'true', 'the deploy message was not delivered');
      expect(run.outputs['message-id'] === deployMessage, 'the deploy message was posted anew, not edited');
      expect(
        w.discord.edits.some((e) => e.messageId === deployMessage),
        'no edit reached Discord',
      );
    },
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

const detectorEnv = (w: DemoWorld) => ({
  GITHUB_API_URL: w.github.url,
  GITHUB_TOKEN: w.github.token,
  GITHUB_WORKFLOW: 'Repeated failures',
  GITHUB_WORKFLOW_REF: 'acme/mara/.github/workflows/repeated-failures.yml@refs/heads/main',
});
const scheduleEvent = {
  schedule: '17 * * * *',
  repository: { ...repo, default_branch: 'main' },
};

function seedRun(w: DemoWorld, conclusion: 'success' | 'failure', hoursAgo: number, message: string) {
  w.github.addRun({
    workflow: 'frontend-ci',
    conclusion,
    createdAt: new Date(Date.now() - hoursAgo * 3_600_000),
    message,
    jobs: [
      {
        name: 'test',
        conclusion,
        steps: ['Checkout', 'Install Flutter', { name: 'flutter test', conclusion }],
      },
    ],
  });
}

/** repeated-failure-detector: three red runs in a row on main, then the fix. */
export const detectorScenarios: Scenario[] = [
  {
    title: 'frontend-ci fails three times in a row on main',
    action: 'repeated-failure-detector',
    prepare: (w) => {
      seedRun(w, 'success', 6, 'Bump intl to 0.19');
      seedRun(w, 'failure', 4, 'Migrate the checkout screen to Riverpod');
      seedRun(w, 'failure', 3, 'Retry the flaky golden test');
      seedRun(w, 'failure', 2, 'Update golden files');
      return {
        eventName: 'schedule',
        event: scheduleEvent,
        env: detectorEnv(w),
        inputs: { 'webhook-url': w.webhook('alerts'), mention: 'role:445566778899001122' },
      };
    },
    check: (run, w) => {
      expect(run.outputs.alerted === '1', `expected one alert, got ${run.outputs.alerted}`);
      expect(
        w.github.issues().filter((i: { state: string }) => i.state === 'open').length === 1,
        'no incident issue was opened',
      );
    },
  },
  {
    title: 'A fix lands and frontend-ci is green again',
    action: 'repeated-failure-detector',
    prepare: (w) => {
      seedRun(w, 'success', 1, 'Fix the golden test font loading');
      return {
        eventName: 'schedule',
        event: scheduleEvent,
        env: detectorEnv(w),
        inputs: { 'webhook-url': w.webhook('alerts') },
      };
    },
    check: (run, w) => {
      expect(run.outputs.alerted === '1', `expected one recovery, got ${run.outputs.alerted}`);
      expect(
        w.github.issues().every((i: { state: string }) => i.state === 'closed'),
        'the incident issue is still open',
      );
    },
  },
];

const healthTargets = (w: DemoWorld) => `
- name: api
  url: ${w.health.url('/health')}
  expect-json:
    status: UP
- name: payments
  url: ${w.health.url('/payments/health')}
  expect-json:
    status: pass
- name: web
  url: ${w.health.url('/')}
  expect-text: Mara
  max-response-ms: 300
`;

/** health-probe: the payments service goes down (and the web front is slow), then recovers. */
export const healthScenarios: Scenario[] = [
  {
    title: 'The payments service goes down',
    action: 'health-probe',
    prepare: (w) => {
      w.health.route('/health', { body: { status: 'UP' } });
      w.health.route('/payments/health', {
        status: 503,
        contentType: 'application/health+json',
        body: {
          status: 'fail',
          checks: { 'db:connection': [{ status: 'fail', output: 'connection pool exhausted' }] },
        },
      });
      w.health.route('/', { body: '<title>Mara</title>', contentType: 'text/html', delayMs: 450 });
      return {
        eventName: 'schedule',
        event: { schedule: '7,22,37,52 * * * *', repository: repo },
        env: { GITHUB_API_URL: w.github.url, GITHUB_TOKEN: w.github.token, GITHUB_WORKFLOW: 'Health check' },
        inputs: {
          targets: healthTargets(w),
          'webhook-url': w.webhook('alerts'),
          'retry-delay': '200ms',
          mention: 'here',
        },
      };
    },
    check: (run) => {
      expect(run.exitCode === 1, 'fail-on-down should fail the step while a target is down');
      expect(run.outputs.down === '1', `expected one target down, got ${run.outputs.down}`);
      expect(run.outputs.degraded === '1', `expected one target degraded, got ${run.outputs.degraded}`);
    },
  },
  {
    title: 'The payments service recovers',
    action: 'health-probe',
    prepare: (w) => {
      w.health.route('/payments/health', {
        contentType: 'application/health+json',
        body: { status: 'pass' },
      });
      w.health.route('/', { body: '<title>Mara</title>', contentType: 'text/html' });
      return {
        eventName: 'schedule',
        event: { schedule: '7,22,37,52 * * * *', repository: repo },
        env: { GITHUB_API_URL: w.github.url, GITHUB_TOKEN: w.github.token, GITHUB_WORKFLOW: 'Health check' },
        inputs: { targets: healthTargets(w), 'webhook-url': w.webhook('alerts') },
      };
    },
    check: (run, w) => {
      expect(run.exitCode === 0, `the step failed: ${run.log.slice(-300)}`);
      expect(
        w.github
          .issues()
          .filter(
            (i: { labels: string[]; state: string }) => i.labels.includes('incident') && i.state === 'open',
          ).length === 0,
        'the incident is still open',
      );
    },
  },
];

const EXPORT_TOKEN = 'demo-export-token-5b1e';

/** crash-digest: the backend's export of the last days, with one new fatal crash escalated. */
export const crashScenarios: Scenario[] = [
  {
    title: 'The daily crash digest, with a new fatal crash escalated',
    action: 'crash-digest',
    prepare: (w) => {
      w.health.route('/api/crashes/export', {
        body: [...crashCorpusLines({ now: Date.now() })].join('\n') + '\n',
        contentType: 'application/x-ndjson',
        requireHeader: { name: 'authorization', value: `Bearer ${EXPORT_TOKEN}` },
      });
      return {
        eventName: 'schedule',
        event: { schedule: '23 6 * * *', repository: repo },
        env: { GITHUB_WORKSPACE: w.workDir, GITHUB_WORKFLOW: 'Crash digest' },
        inputs: {
          'source-url': w.health.url('/api/crashes/export'),
          'source-token': EXPORT_TOKEN,
          'app-package': 'mara',
          'webhook-url': w.webhook('crashes'),
          'alerts-webhook-url': w.webhook('alerts'),
          mention: 'role:445566778899001122',
        },
      };
    },
    check: (run) => {
      expect(run.exitCode === 0, `the step failed: ${run.log.slice(-400)}`);
      expect(Number(run.outputs.new) >= 1, `expected a new crash group, got ${run.outputs.new}`);
      expect(Number(run.outputs.critical) >= 1, `expected a critical crash, got ${run.outputs.critical}`);
      expect(!run.log.includes(EXPORT_TOKEN), 'the export token reached the log');
    },
  },
];

/** Every scenario of the demo, in story order. */
export function allScenarios(): Scenario[] {
  return [...notifyScenarios, ...detectorScenarios, ...healthScenarios, ...crashScenarios];
}
