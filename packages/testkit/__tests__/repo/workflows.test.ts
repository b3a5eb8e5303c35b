import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  cronMinutes,
  handPostedDiscord,
  injectionProblems,
  permissionProblems,
  pinProblems,
  schedulesOf,
  triggersOf,
} from './policy';
import {
  isObject,
  localActionName,
  ROOT,
  stepsOf,
  TOOLKIT_ACTIONS,
  workflows,
  type Workflow,
} from './repo-files';

const all = workflows();
const byFile = (file: string): Workflow => {
  const w = all.find((x) => x.file === file);
  if (!w) throw new Error(`.github/workflows/${file} is missing`);
  return w;
};

/** A workflow from text, for the tests that prove each rule can fail. */
const fake = (text: string): Workflow => ({
  file: 'fake.yml',
  path: 'fake.yml',
  text,
  doc: parse(text) as Record<string, unknown>,
});

// Write access a job may ask for: issues (streaks and incidents), pull-requests (labels), and
// contents only where release.yml moves the major tag.
const WRITES = new Set(['issues', 'pull-requests']);
// health-check.yml: contents for health-probe's state branch, pages and id-token to deploy its status page.
const EXTRA_WRITES: Record<string, readonly string[]> = {
  'release.yml': ['contents'],
  'health-check.yml': ['contents', 'pages', 'id-token'],
  // deploy-notify.yml records the deploy as a GitHub deployment (issue #14).
  'deploy-notify.yml': ['deployments'],
};
const writesFor = (w: Workflow) => new Set([...WRITES, ...(EXTRA_WRITES[w.file] ?? [])]);

describe('every workflow', () => {
  it.each(all.map((w) => [w.file, w] as const))('%s sets least-privilege permissions', (_f, w) => {
    expect(permissionProblems(w, writesFor(w))).toEqual([]);
  });

  it.each(all.map((w) => [w.file, w] as const))('%s posts to Discord only through our actions', (_f, w) => {
    expect(handPostedDiscord(w)).toEqual([]);
  });

  it.each(all.map((w) => [w.file, w] as const))(
    '%s puts no attacker-controlled event text into run:, with: or env:',
    (_f, w) => {
      expect(injectionProblems(w)).toEqual([]);
    },
  );

  it.each(all.map((w) => [w.file, w] as const))(
    '%s pins third-party actions to a full commit SHA with a version comment',
    (_f, w) => {
      expect(pinProblems(w)).toEqual([]);
    },
  );

  it.each(all.map((w) => [w.file, w] as const))('%s never schedules at minute 0', (_f, w) => {
    for (const cron of schedulesOf(w)) expect([cron, cronMinutes(cron).has(0)]).toEqual([cron, false]);
  });

  it('uses each of the four actions through uses: ./actions/<name>', () => {
    const used = new Set(all.flatMap((w) => stepsOf(w).map((s) => localActionName(s.step.uses))));
    expect(TOOLKIT_ACTIONS.filter((a) => !used.has(a))).toEqual([]);
  });

  it('checks out only trusted code where secrets meet untrusted events (pull_request_target, workflow_run)', () => {
    const risky = all.filter((w) =>
      triggersOf(w).some((t) => t === 'pull_request_target' || t === 'workflow_run'),
    );
    expect(risky.map((w) => w.file).sort()).toEqual(['dev-events.yml', 'repeated-failures.yml']);
    for (const w of risky) {
      for (const s of stepsOf(w)) {
        if (typeof s.step.uses !== 'string' || !s.step.uses.startsWith('actions/checkout@')) continue;
        const withs = isObject(s.step.with) ? s.step.with : {};
        expect([s.where, withs.ref, withs.repository, withs['persist-credentials']]).toEqual([
          s.where,
          undefined,
          undefined,
          false,
        ]);
      }
    }
  });
});

describe('the rules catch what they are for', () => {
  it('flags a PR title in run:, a head_ref in with: and a commit message in env:', () => {
    const w = fake(`
on: pull_request
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - uses: ./actions/discord-notify
        with:
          title: "\${{ github.head_ref }} \${{ github.event['head_commit']['message'] }}"
      - run: echo "$MSG"
        env:
          MSG: \${{ github.event.commits[0].author.email }}
      - run: echo "\${{ github.event.pull_request.number }} \${{ github.sha }}"
`);
    expect(injectionProblems(w)).toEqual([
      'fake.yml › a › step 1 › run: github.event.pull_request.title',
      'fake.yml › a › ./actions/discord-notify › with (title): github.head_ref',
      'fake.yml › a › ./actions/discord-notify › with (title): github.event.head_commit.message',
      'fake.yml › a › step 3 › env (MSG): github.event.commits.0.author.email',
    ]);
  });

  it('flags curl to a webhook, a Discord secret in env and a third-party Discord action', () => {
    const w = fake(`
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: curl -X POST -d '{}' "$HOOK"
        env:
          HOOK: \${{ secrets.DISCORD_WEBHOOK_EVENTS }}
      - uses: sarisia/actions-status-discord@11a0bfe9d5ff1a8a5e5be5d3e3fcd0c5f3b2dc9b # v1.15.3
`);
    expect(handPostedDiscord(w)).toEqual([
      'fake.yml › a › step 1: puts a Discord secret into env.HOOK',
      'fake.yml › a › sarisia/actions-status-discord@11a0bfe9d5ff1a8a5e5be5d3e3fcd0c5f3b2dc9b: uses a third-party Discord action (sarisia/actions-status-discord@11a0bfe9d5ff1a8a5e5be5d3e3fcd0c5f3b2dc9b)',
    ]);
    expect(
      handPostedDiscord(
        fake('on: push\njobs:\n  a:\n    steps:\n      - run: curl https://discord.com/api/webhooks/1/x\n'),
      ),
    ).toEqual([
      'fake.yml › a › step 1: a run: script talks to Discord',
      'fake.yml › a › step 1: posts to Discord by hand',
    ]);
  });

  it('flags missing permissions, write-all and a write scope nobody needs', () => {
    expect(permissionProblems(fake('on: push\njobs:\n  a:\n    runs-on: x\n'), WRITES)).toEqual([
      'fake.yml: no top-level permissions',
    ]);
    expect(
      permissionProblems(
        fake(
          'on: push\npermissions: write-all\njobs:\n  a:\n    permissions:\n      contents: write\n      actions: read\n',
        ),
        WRITES,
      ),
    ).toEqual([
      'fake.yml: top-level permissions grant write: write-all',
      'fake.yml › a: asks for contents: write',
    ]);
  });

  it('flags tags, short SHAs and SHAs without a version comment', () => {
    const w = fake(`
on: push
permissions: {}
jobs:
  a:
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@2028fbc
      - uses: pnpm/action-setup@fc06bc1257f339d1d5d8b3a19a8cae5388b55320
      - uses: actions/labeler@634933edcd8ababfe52f92936142cc22ac488b1b # v6.0.1
      - uses: ./actions/discord-notify
`);
    expect(pinProblems(w)).toEqual([
      'fake.yml › a › actions/checkout@v6: actions/checkout@v6 is not pinned to a full commit SHA',
      'fake.yml › a › actions/setup-node@2028fbc: actions/setup-node@2028fbc is not pinned to a full commit SHA',
      'fake.yml › a › pnpm/action-setup@fc06bc1257f339d1d5d8b3a19a8cae5388b55320: pnpm/action-setup@fc06bc1257f339d1d5d8b3a19a8cae5388b55320 has no version comment (# vX.Y.Z)',
    ]);
  });

  it('reads cron minute fields: */15 and 0 fire at minute 0, 7,22,37,52 does not', () => {
    expect(cronMinutes('*/15 * * * *').has(0)).toBe(true);
    expect(cronMinutes('0 7 * * *').has(0)).toBe(true);
    expect([...cronMinutes('7,22,37,52 * * * *')]).toEqual([7, 22, 37, 52]);
    expect([...cronMinutes('41 */2 * * *')]).toEqual([41]);
    expect([...cronMinutes('50-59/5 * * * *')]).toEqual([50, 55]);
  });
});

describe('ci.yml', () => {
  const w = byFile('ci.yml');
  const steps = stepsOf(w);
  const runs = steps.map((s) => s.step.run).filter((r): r is string => typeof r === 'string');

  it('runs on push and pull_request', () => {
    expect(triggersOf(w)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('installs with pnpm at the packageManager version, then lints, type checks, checks dist and tests', () => {
    const setup = steps.find((s) => String(s.step.uses).startsWith('pnpm/action-setup@'));
    // No version: the action takes package.json's packageManager, so CI and developers agree.
    expect(setup && isObject(setup.step.with) ? setup.step.with.version : undefined).toBeUndefined();
    for (const command of [
      'pnpm install --frozen-lockfile',
      'pnpm lint',
      'pnpm typecheck',
      'pnpm check-dist',
      'node --experimental-vm-modules node_modules/jest/bin/jest.js packages/testkit/__tests__/repo',
      'node --experimental-vm-modules node_modules/jest/bin/jest.js',
    ]) {
      expect([command, runs.includes(command)]).toEqual([command, true]);
    }
  });

  it('smoke-runs every action through uses: ./actions/<name> in dry-run', () => {
    const smoke = steps.filter((s) => s.job === 'smoke' && localActionName(s.step.uses));
    expect(smoke.map((s) => localActionName(s.step.uses)).sort()).toEqual([...TOOLKIT_ACTIONS]);
    for (const s of smoke) {
      const withs = isObject(s.step.with) ? s.step.with : {};
      expect([s.where, withs['dry-run']]).toEqual([s.where, true]);
    }
  });

  it('tells #dev-events through discord-notify (ci template) when the default branch fails', () => {
    const jobs = isObject(w.doc.jobs) ? w.doc.jobs : {};
    const notify = isObject(jobs.notify) ? jobs.notify : {};
    expect(notify.if).toBe(
      "failure() && github.event_name == 'push' && github.ref_name == github.event.repository.default_branch",
    );
    const step = steps.find((s) => s.job === 'notify' && localActionName(s.step.uses) === 'discord-notify');
    const withs = step && isObject(step.step.with) ? step.step.with : {};
    expect([withs.template, withs['webhook-url']]).toEqual(['ci', '${{ secrets.DISCORD_WEBHOOK_EVENTS }}']);
  });
});

describe('the scheduled and event workflows', () => {
  const webhookOf = (file: string, action: string, input = 'webhook-url') => {
    const s = stepsOf(byFile(file)).find((x) => localActionName(x.step.uses) === action);
    return s && isObject(s.step.with) ? s.step.with[input] : undefined;
  };

  it('dev-events.yml labels from branch names with actions/labeler and posts to #dev-events', () => {
    const w = byFile('dev-events.yml');
    expect(triggersOf(w).sort()).toEqual(['issues', 'pull_request_target', 'release']);
    expect(stepsOf(w).some((s) => String(s.step.uses).startsWith('actions/labeler@'))).toBe(true);
    expect(webhookOf('dev-events.yml', 'discord-notify')).toBe('${{ secrets.DISCORD_WEBHOOK_EVENTS }}');
  });

  it('deploy-notify.yml is reusable with inputs environment, version, status, started-at, deployment, environment-url and secret webhook-url', () => {
    const on = byFile('deploy-notify.yml').doc.on;
    const call = isObject(on) && isObject(on.workflow_call) ? on.workflow_call : {};
    expect(Object.keys(isObject(call.inputs) ? call.inputs : {})).toEqual([
      'environment',
      'version',
      'status',
      'started-at',
      'deployment',
      'environment-url',
    ]);
    expect(Object.keys(isObject(call.secrets) ? call.secrets : {})).toEqual(['webhook-url']);
    expect(webhookOf('deploy-notify.yml', 'discord-notify')).toBe('${{ secrets.webhook-url }}');
  });

  it('repeated-failures.yml runs on workflow_run (completed) and a schedule, alerting #alerts', () => {
    const w = byFile('repeated-failures.yml');
    const on = isObject(w.doc.on) ? w.doc.on : {};
    const run = isObject(on.workflow_run) ? on.workflow_run : {};
    expect(run.types).toEqual(['completed']);
    // The names it watches are workflows that exist (workflow_run matches `name:`).
    const names = all.map((x) => x.doc.name);
    expect((run.workflows as string[]).filter((n) => !names.includes(n))).toEqual([]);
    expect(schedulesOf(w)).toHaveLength(1);
    expect(webhookOf('repeated-failures.yml', 'repeated-failure-detector')).toBe(
      '${{ secrets.DISCORD_WEBHOOK_ALERTS }}',
    );
  });

  it('health-check.yml probes every 15 minutes off the hour, never overlapping, from the targets file', () => {
    const w = byFile('health-check.yml');
    expect(triggersOf(w).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const minutes = [...cronMinutes(schedulesOf(w)[0] ?? '')];
    expect(minutes).toHaveLength(4);
    expect(minutes.every((m, i) => i === 0 || m - (minutes[i - 1] ?? 0) === 15)).toBe(true);
    expect(w.doc.concurrency).toEqual({ group: 'health-check', 'cancel-in-progress': false });
    expect(w.text).toContain('${{ vars.HEALTH_URL }}');
    expect(w.text).toContain('.github/health-targets.yml');
    expect(webhookOf('health-check.yml', 'health-probe')).toBe('${{ secrets.DISCORD_WEBHOOK_ALERTS }}');
  });

  it('.github/health-targets.yml lists targets under the backend URL, with only the keys health-probe reads', () => {
    const config: unknown = parse(readFileSync(join(ROOT, '.github', 'health-targets.yml'), 'utf8'));
    const targets = isObject(config) && Array.isArray(config.targets) ? config.targets : [];
    expect(targets.length).toBeGreaterThan(0);
    const keys = new Set([
      'name',
      'url',
      'method',
      'headers',
      'body',
      'expect-status',
      'expect-json',
      'expect-text',
      'max-response-ms',
      'timeout',
      'retries',
    ]);
    for (const t of targets) {
      const target = isObject(t) ? t : {};
      expect([target.name, String(target.url).startsWith('${HEALTH_URL}/')]).toEqual([target.name, true]);
      expect(Object.keys(target).filter((k) => !keys.has(k))).toEqual([]);
    }
  });

  it('crash-digest.yml runs daily and manually, reads the export and posts to #crashes and #alerts', () => {
    const w = byFile('crash-digest.yml');
    expect(triggersOf(w).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(webhookOf('crash-digest.yml', 'crash-digest', 'source-url')).toBe('${{ vars.CRASH_EXPORT_URL }}');
    expect(webhookOf('crash-digest.yml', 'crash-digest', 'source-token')).toBe(
      '${{ secrets.CRASH_EXPORT_TOKEN }}',
    );
    expect(webhookOf('crash-digest.yml', 'crash-digest')).toBe('${{ secrets.DISCORD_WEBHOOK_CRASHES }}');
    expect(webhookOf('crash-digest.yml', 'crash-digest', 'alerts-webhook-url')).toBe(
      '${{ secrets.DISCORD_WEBHOOK_ALERTS }}',
    );
  });

  it('release.yml runs on vX.Y.Z tags, checks dist, then moves the major tag', () => {
    const w = byFile('release.yml');
    const on = isObject(w.doc.on) ? w.doc.on : {};
    expect(on.push).toEqual({ tags: ['v[0-9]+.[0-9]+.[0-9]+'] });
    const runs = stepsOf(w).map((s) => String(s.step.run ?? ''));
    expect(runs).toContain('pnpm check-dist');
    expect(runs.some((r) => r.includes('git push --force origin "refs/tags/$major"'))).toBe(true);
    const jobs = isObject(w.doc.jobs) ? w.doc.jobs : {};
    expect(isObject(jobs['move-major-tag']) ? jobs['move-major-tag'].needs : undefined).toBe('verify');
  });
});
