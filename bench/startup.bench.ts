// `pnpm bench startup`: every action's start-up on its default path, as a ratio to bare `node -e 0`
// measured in the same run (issue #16). Each bundle runs under Node 24 against the loopback
// stand-ins; runs are interleaved (bare, then each action, round after round) so all sides see the
// same machine load, and the table shows medians. Then one CPU profile per action, of a source-mapped
// build of the same entry, says what the start-up is spent on, by package.
// BENCH_RUNS (default 11, at least 7), BENCH_NO_PROFILE=1 (skip the breakdown).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  crashCorpusLines,
  GITHUB_DEFAULTS,
  node24,
  readActionYaml,
  REPO_ROOT,
  startDiscordServer,
  startGitHubServer,
  startHealthTargets,
} from '@sre-toolkit/testkit';

const RUNS = Math.max(7, Number(process.env.BENCH_RUNS ?? 11));
const PROFILE = !process.env.BENCH_NO_PROFILE;
const MAX_DIST_BYTES = 1.5 * 1024 * 1024;

interface Scenario {
  readonly action: string;
  readonly what: string;
  readonly target: number;
  readonly env: NodeJS.ProcessEnv;
  /** Checks after the runs that each one did its work (messages sent, requests made). */
  readonly check: (runs: number) => string | undefined;
}

const work = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const files = (name: string) => {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const f = {
    dir,
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    state: join(dir, 'state'),
    env: join(dir, 'env'),
    path: join(dir, 'path'),
    event: join(dir, 'event.json'),
  };
  for (const p of [f.output, f.summary, f.state, f.env, f.path]) writeFileSync(p, '');
  return f;
};

/** The environment the runner gives a step: action.yml defaults, then the scenario's inputs. */
function actionEnv(
  action: string,
  o: { inputs: Record<string, string>; eventName: string; event: unknown; env?: Record<string, string> },
): NodeJS.ProcessEnv {
  const f = files(action);
  writeFileSync(f.event, JSON.stringify(o.event));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: f.dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.eventName,
    GITHUB_EVENT_PATH: f.event,
    GITHUB_OUTPUT: f.output,
    GITHUB_STEP_SUMMARY: f.summary,
    GITHUB_STATE: f.state,
    GITHUB_ENV: f.env,
    GITHUB_PATH: f.path,
    GITHUB_REPOSITORY: 'acme/mara',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '9100000001',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'frontend-ci',
    GITHUB_JOB: 'build',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: '3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKSPACE: f.dir,
    RUNNER_TEMP: f.dir,
    RUNNER_OS: 'Linux',
    ...o.env,
  };
  for (const [name, spec] of Object.entries(readActionYaml(action).inputs ?? {})) {
    if (spec.default === undefined) continue;
    env[`INPUT_${name.toUpperCase()}`] = String(spec.default).replace(
      /\$\{\{\s*github\.token\s*\}\}/g,
      env.GITHUB_TOKEN ?? '',
    );
  }
  for (const [name, value] of Object.entries(o.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

const discord = await startDiscordServer();
const gh = await startGitHubServer({
  workflows: [
    { name: 'frontend-ci', path: 'frontend-ci.yml' },
    { name: 'Repeated failures', path: '.github/workflows/repeated-failures.yml' },
  ],
});
const targets = await startHealthTargets();
for (const p of ['/api', '/web', '/admin']) targets.route(p, { body: { status: 'UP' } });
const githubEnv = { GITHUB_API_URL: gh.url, GITHUB_TOKEN: GITHUB_DEFAULTS.token };

// discord-notify: one failure notification of a push (as bench/discord-notify.bench.ts).
const notify: Scenario = {
  action: 'discord-notify',
  what: 'one failure notification sent',
  target: 2.0,
  env: actionEnv('discord-notify', {
    eventName: 'push',
    event: { ref: 'refs/heads/main', head_commit: { id: 'a'.repeat(40), message: 'Fix' } },
    inputs: { 'webhook-url': discord.webhookUrl(), status: 'failure' },
  }),
  check: (runs) => (countDiscord('notify') === runs ? undefined : `${countDiscord('notify')} messages`),
};

// health-probe: 3 targets up, issue: true, no open incident -> one list request to GitHub.
const probe: Scenario = {
  action: 'health-probe',
  what: '3 targets up, issue: true, no incident (1 GitHub request)',
  target: 2.5,
  env: actionEnv('health-probe', {
    eventName: 'schedule',
    event: { schedule: '*/15 * * * *' },
    inputs: { targets: ['/api', '/web', '/admin'].map((p) => targets.url(p)).join('\n'), issue: 'true' },
    env: githubEnv,
  }),
  check: (runs) => {
    const n = ghRequests('probe');
    return n === runs ? undefined : `${n} GitHub requests for ${runs} runs`;
  },
};

// repeated-failure-detector: workflow_run of a success that ends no streak -> its 2 requests.
const [, , success] = ['failure', 'success', 'success'].map((conclusion, i) =>
  gh.addRun({
    workflow: 'frontend-ci',
    conclusion: conclusion as 'success' | 'failure',
    createdAt: new Date(Date.now() - (3 - i) * 3_600_000),
    message: `Commit ${i + 1}`,
    jobs: [{ name: 'test', conclusion: conclusion as 'success' | 'failure', steps: ['Checkout', 'Test'] }],
  }),
);
const runBody = (await (
  await fetch(`${gh.url}/repos/acme/mara/actions/runs/${success?.id}`, {
    headers: { authorization: `token ${gh.token}` },
  })
).json()) as Record<string, unknown>;
const wf = gh.workflow('frontend-ci');
const detector: Scenario = {
  action: 'repeated-failure-detector',
  what: 'workflow_run, a success ending no streak (2 GitHub requests)',
  target: 2.5,
  env: actionEnv('repeated-failure-detector', {
    eventName: 'workflow_run',
    event: {
      action: 'completed',
      workflow_run: runBody,
      workflow: { id: wf.id, name: wf.name, path: wf.path, state: wf.state },
      repository: {
        full_name: 'acme/mara',
        default_branch: 'main',
        html_url: 'https://github.com/acme/mara',
      },
      sender: { login: 'octocat' },
    },
    inputs: { 'webhook-url': discord.webhookUrl() },
    env: {
      ...githubEnv,
      GITHUB_WORKFLOW: 'Repeated failures',
      GITHUB_WORKFLOW_REF: 'acme/mara/.github/workflows/repeated-failures.yml@refs/heads/main',
    },
  }),
  check: (runs) => {
    const n = ghRequests('detector');
    return n === 2 * runs ? undefined : `${n} GitHub requests for ${runs} runs`;
  },
};

// crash-digest: 20 reports from a file, one digest sent.
const crashEnv = actionEnv('crash-digest', {
  eventName: 'schedule',
  event: { schedule: '0 6 * * *' },
  inputs: { source: 'reports.ndjson', 'app-package': 'mara', 'webhook-url': discord.webhookUrl() },
});
writeFileSync(
  join(crashEnv.GITHUB_WORKSPACE ?? '', 'reports.ndjson'),
  [...crashCorpusLines({ now: Date.now() })].slice(0, 20).join('\n') + '\n',
);
const digest: Scenario = {
  action: 'crash-digest',
  what: '20 reports from a file, one digest sent',
  target: 2.5,
  env: crashEnv,
  check: (runs) => (countDiscord('digest') >= runs ? undefined : `${countDiscord('digest')} messages`),
};

const scenarios = [notify, probe, detector, digest];

// Per-scenario counters: Discord messages and GitHub requests seen while that scenario ran.
const seen = new Map<string, { discord: number; github: number }>();
const countDiscord = (key: string) => seen.get(key)?.discord ?? 0;
const ghRequests = (key: string) => seen.get(key)?.github ?? 0;
const keyOf = (s: Scenario) =>
  ({ 'discord-notify': 'notify', 'health-probe': 'probe', 'crash-digest': 'digest' })[s.action] ?? 'detector';

function timeRun(args: string[], env: NodeJS.ProcessEnv, cwd = work): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node24(), args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}\n${out}`));
      else resolve({ ms, out });
    });
  });
}

async function runScenario(s: Scenario, bundle: string, extraArgs: string[] = []) {
  const key = keyOf(s);
  const before = { discord: discord.received.length, github: gh.requests.length };
  const r = await timeRun([...extraArgs, bundle], s.env, s.env.GITHUB_WORKSPACE);
  const c = seen.get(key) ?? { discord: 0, github: 0 };
  c.discord += discord.received.length - before.discord;
  c.github += gh.requests.length - before.github;
  seen.set(key, c);
  return r;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const bundleOf = (action: string) => join(REPO_ROOT, 'actions', action, 'dist', 'index.js');

// Warm the file cache, then interleave.
await timeRun(['-e', '0'], process.env);
for (const s of scenarios) await runScenario(s, bundleOf(s.action));
seen.clear();
const bare: number[] = [];
const times = new Map<Scenario, number[]>(scenarios.map((s) => [s, []]));
for (let i = 0; i < RUNS; i++) {
  bare.push((await timeRun(['-e', '0'], process.env)).ms);
  for (const s of scenarios) times.get(s)?.push((await runScenario(s, bundleOf(s.action))).ms);
}

const distBytes = (action: string) => {
  const dir = join(REPO_ROOT, 'actions', action, 'dist');
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
};

let failed = false;
console.log(`Node 24 (${node24()}); ${RUNS} interleaved runs each; medians.\n`);
console.log('| what (Node 24) | median ms | × bare node | target | dist (entry + chunks) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(`| \`node -e 0\` | ${median(bare).toFixed(1)} | 1.00 | | |`);
for (const s of scenarios) {
  const ms = median(times.get(s) ?? []);
  const ratio = ms / median(bare);
  const bytes = distBytes(s.action);
  const problem = s.check(RUNS);
  const ok = ratio <= s.target && bytes <= MAX_DIST_BYTES && !problem;
  if (!ok) failed = true;
  console.log(
    `| ${s.action}: ${s.what} | ${ms.toFixed(1)} | ${ratio.toFixed(2)} | ≤ ${s.target.toFixed(1)} ${ratio <= s.target ? '✓' : '✗'} | ${(bytes / 1024).toFixed(0)} KiB${bytes <= MAX_DIST_BYTES ? '' : ' ✗ (> 1.5 MB)'}${problem ? ` — did not do its work: ${problem}` : ''} |`,
  );
}

if (PROFILE) await breakdown();

await Promise.all([discord.close(), gh.close(), targets.close()]);
rmSync(work, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;

// ---------------------------------------------------------------------------------------------
// What start-up is spent on: one source-mapped build per action (same ncc flags as pnpm bundle,
// plus --source-map), run with --cpu-prof at 100 µs; each sample is charged to the package of the
// nearest bundle frame on its stack (so Node built-ins a package calls count for that package).
// Samples with no bundle frame at all are Node's own start-up, idle waits and GC.

interface ProfileNode {
  id: number;
  callFrame: { url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(source: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = source.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? source);
  }
  const pkg = /(?:^|\/)(packages|actions)\/([^/]+)\//.exec(source);
  if (pkg) return pkg[1] === 'packages' ? `@sre-toolkit/${pkg[2]}` : `actions/${pkg[2]}`;
  return source.startsWith('webpack') ? '(bundle runtime)' : source;
}

async function breakdown(): Promise<void> {
  const ncc = join(REPO_ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  console.log(
    '\nWhere start-up goes (one `--cpu-prof` run per action, source-mapped build; ms of CPU samples per package, largest first; "node" = bootstrap, idle waits and GC):\n',
  );
  for (const s of scenarios) {
    const out = join(work, 'profile', s.action);
    execFileSync(
      process.execPath,
      [
        ncc,
        'build',
        join(REPO_ROOT, 'actions', s.action, 'src', 'index.ts'),
        '-o',
        out,
        '--minify',
        '--source-map',
        '--target',
        'es2022',
        '--quiet',
      ],
      { cwd: REPO_ROOT, stdio: 'inherit' },
    );
    const profDir = join(work, 'profile', `${s.action}-cpu`);
    await runScenario(s, join(out, 'index.js'), [
      '--cpu-prof',
      '--cpu-prof-interval',
      '100',
      '--cpu-prof-dir',
      profDir,
    ]);
    const [profFile] = readdirSync(profDir);
    const profile = JSON.parse(readFileSync(join(profDir, profFile ?? ''), 'utf8')) as Profile;
    const maps = new Map<string, SourceMap | undefined>();
    const mapFor = (url: string) => {
      if (!maps.has(url)) {
        let map: SourceMap | undefined;
        try {
          const file = new URL(url).pathname;
          map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
        } catch {
          map = undefined;
        }
        maps.set(url, map);
      }
      return maps.get(url);
    };
    const parent = new Map<number, number>();
    const byId = new Map<number, ProfileNode>();
    for (const n of profile.nodes) {
      byId.set(n.id, n);
      for (const c of n.children ?? []) parent.set(c, n.id);
    }
    const ownerCache = new Map<number, string>();
    const owner = (id: number): string => {
      const cached = ownerCache.get(id);
      if (cached) return cached;
      const n = byId.get(id);
      let who: string;
      if (n && n.callFrame.url.startsWith('file:') && n.callFrame.url.includes(`/profile/${s.action}/`)) {
        const entry = mapFor(n.callFrame.url)?.findEntry(n.callFrame.lineNumber, n.callFrame.columnNumber);
        who =
          entry && 'originalSource' in entry && entry.originalSource
            ? packageOf(entry.originalSource)
            : '(bundle, unmapped)';
      } else {
        const up = parent.get(id);
        who = up === undefined ? 'node' : owner(up);
      }
      ownerCache.set(id, who);
      return who;
    };
    const total = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const who = owner(id);
      total.set(who, (total.get(who) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    const sum = [...total.values()].reduce((a, b) => a + b, 0);
    const parts = [...total.entries()]
      .sort((a, b) => b[1] - a[1])
      .filter(([, ms]) => ms >= 0.5)
      .map(([who, ms]) => `${who} ${ms.toFixed(1)}`);
    console.log(`- **${s.action}** (${sum.toFixed(0)} ms profiled): ${parts.join(' · ')}`);
  }
}
