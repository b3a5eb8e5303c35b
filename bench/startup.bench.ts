// `pnpm bench startup`: every action's start-up on its default path, as a ratio to bare `node -e 0`
// measured in the same run (issue #16). Each bundle runs under Node 24 against the loopback
// stand-ins; runs are interleaved (bare, then each action, round after round) so all sides see the
// same machine load, and the table shows medians. Then one CPU profile per action, of a source-mapped
// build of the same entry, says what the start-up is spent on, by package (bench/startup-profile.ts).
// BENCH_RUNS (default 11, at least 7), BENCH_NO_PROFILE=1 (skip the breakdown), BENCH_ONLY=a,b
// (only the rows whose action or key names one of these), BENCH_COMPARE=<repository root> (also
// runs that tree's committed dist/ of each row, interleaved, as a "compare" row: an A/B of a change).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import { breakdown } from './startup-profile';

const RUNS = Math.max(7, Number(process.env.BENCH_RUNS ?? 11));
const PROFILE = !process.env.BENCH_NO_PROFILE;
const MAX_DIST_BYTES = 1.5 * 1024 * 1024;
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const COMPARE = process.env.BENCH_COMPARE;

interface Scenario {
  /** Names the row's counters (and BENCH_ONLY can pick it). */
  readonly key: string;
  readonly action: string;
  readonly what: string;
  readonly target: number;
  readonly env: NodeJS.ProcessEnv;
  /** The ratio is a goal shown beside the figure, not a bound the bench fails on. */
  readonly ungated?: boolean;
  /** Checks after the runs that each one did its work (messages sent, requests made). */
  readonly check: (runs: number, seen: Counts) => string | undefined;
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
  key: 'notify',
  action: 'discord-notify',
  what: 'one failure notification sent',
  target: 2.0,
  env: actionEnv('discord-notify', {
    eventName: 'push',
    event: { ref: 'refs/heads/main', head_commit: { id: 'a'.repeat(40), message: 'Fix' } },
    inputs: { 'webhook-url': discord.webhookUrl(), status: 'failure' },
  }),
  check: (runs, c) => (c.discord === runs ? undefined : `${c.discord} messages for ${runs} runs`),
};

// health-probe, issue #16's path: 3 targets up, issue: true, no open incident, and no memory across
// runs (state-branch: '', which #13 added later and turned on by default). Its GitHub requests are
// the incident list and the maintenance-issue list (#13), both made while the targets are probed.
const probeInputs = {
  targets: ['/api', '/web', '/admin'].map((p) => targets.url(p)).join('\n'),
  issue: 'true',
};
const probeEvent = { eventName: 'schedule', event: { schedule: '*/15 * * * *' }, env: githubEnv };
const probe: Scenario = {
  key: 'probe',
  action: 'health-probe',
  what: "3 targets up, issue: true, no incident, state-branch: '' (2 list requests)",
  target: 2.5,
  env: actionEnv('health-probe', { ...probeEvent, inputs: { ...probeInputs, 'state-branch': '' } }),
  check: (runs, c) => (c.github === 2 * runs ? undefined : `${c.github} GitHub requests for ${runs} runs`),
};
// The same with the defaults, memory on: the state file is read and written every run (the
// warm-up run creates the branch), so 4 requests a run.
const probeMemory: Scenario = {
  key: 'probe-memory',
  action: 'health-probe',
  what: 'the same, default with memory (state branch read + written; 4 requests)',
  target: 2.5,
  env: actionEnv('health-probe', { ...probeEvent, inputs: probeInputs }),
  ungated: true,
  check: (runs, c) => (c.github === 4 * runs ? undefined : `${c.github} GitHub requests for ${runs} runs`),
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
  key: 'detector',
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
  check: (runs, c) => (c.github === 2 * runs ? undefined : `${c.github} GitHub requests for ${runs} runs`),
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
  key: 'digest',
  action: 'crash-digest',
  what: '20 reports from a file, one digest sent',
  target: 2.5,
  env: crashEnv,
  check: (runs, c) => (c.discord >= runs ? undefined : `${c.discord} messages for ${runs} runs`),
};

const scenarios = [notify, probe, probeMemory, detector, digest].filter(
  (s) => !ONLY.length || ONLY.includes(s.action) || ONLY.includes(s.key),
);

// Per-row counters: Discord messages and GitHub requests seen while that row's runs ran.
interface Counts {
  discord: number;
  github: number;
}
const seen = new Map<string, Counts>();

// BENCH_CPU=1: each run goes through a small python3 wrapper that forks, execs Node and reports the
// child's own wall time and CPU time (user + system, from wait4) on fd 3. CPU time barely moves with
// the machine's load, so it is the figure to compare ideas by on a busy machine.
const CPU = Boolean(process.env.BENCH_CPU);
const RUSAGE = [
  'import os, sys, time',
  't = time.perf_counter(); pid = os.fork()',
  'if pid == 0: os.execv(sys.argv[1], sys.argv[1:])',
  '_, status, ru = os.wait4(pid, 0)',
  "os.write(3, f'{(time.perf_counter() - t) * 1000} {(ru.ru_utime + ru.ru_stime) * 1000}'.encode())",
  'sys.exit(os.waitstatus_to_exitcode(status))',
].join('\n');

interface Timing {
  ms: number;
  cpu: number;
  out: string;
}

function timeRun(args: string[], env: NodeJS.ProcessEnv, cwd = work): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = CPU
      ? spawn('python3', ['-c', RUSAGE, node24(), ...args], {
          env,
          cwd,
          stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        })
      : spawn(node24(), args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let usage = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.stdio[3]?.on('data', (d: Buffer) => (usage += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const [wall, cpu] = usage ? usage.split(' ').map(Number) : [];
      const ms = wall ?? Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}\n${out}`));
      else resolve({ ms, cpu: cpu ?? NaN, out });
    });
  });
}

async function runScenario(s: Scenario, bundle: string, key: string, extraArgs: string[] = []) {
  const before = { discord: discord.received.length, github: gh.requests.length };
  const r = await timeRun([...extraArgs, bundle], s.env, s.env.GITHUB_WORKSPACE);
  const c = seen.get(key) ?? { discord: 0, github: 0 };
  c.discord += discord.received.length - before.discord;
  c.github += gh.requests.length - before.github;
  seen.set(key, c);
  return r;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const distOf = (root: string, action: string) => join(root, 'actions', action, 'dist');
/** The rows: each scenario on this tree's dist, then (BENCH_COMPARE) on the other tree's. */
const rows = scenarios.flatMap((s) => [
  { s, key: s.key, dist: distOf(REPO_ROOT, s.action), label: `${s.action}: ${s.what}` },
  ...(COMPARE
    ? [{ s, key: `${s.key}:compare`, dist: distOf(COMPARE, s.action), label: `↳ compare: ${COMPARE}` }]
    : []),
]);

// Warm the file cache, then interleave.
await timeRun(['-e', '0'], process.env);
for (const r of rows) await runScenario(r.s, join(r.dist, 'index.js'), r.key);
seen.clear();
const bare: Timing[] = [];
const times = new Map<string, Timing[]>(rows.map((r) => [r.key, []]));
for (let i = 0; i < RUNS; i++) {
  bare.push(await timeRun(['-e', '0'], process.env));
  for (const r of rows) times.get(r.key)?.push(await runScenario(r.s, join(r.dist, 'index.js'), r.key));
}

const distBytes = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

let failed = false;
console.log(`Node 24 (${node24()}); ${RUNS} interleaved runs each; medians.\n`);
const cpuCols = (xs: Timing[]) =>
  CPU
    ? ` ${median(xs.map((t) => t.cpu)).toFixed(1)} | ${(median(xs.map((t) => t.cpu)) / median(bare.map((t) => t.cpu))).toFixed(2)} |`
    : '';
console.log(
  `| what (Node 24) | median ms | × bare node | target |${CPU ? ' CPU ms | CPU × bare |' : ''} dist (entry + chunks) |`,
);
console.log(`| --- | ---: | ---: | ---: |${CPU ? ' ---: | ---: |' : ''} ---: |`);
console.log(`| \`node -e 0\` | ${median(bare.map((t) => t.ms)).toFixed(1)} | 1.00 | |${cpuCols(bare)} |`);
for (const r of rows) {
  const ms = median((times.get(r.key) ?? []).map((t) => t.ms));
  const ratio = ms / median(bare.map((t) => t.ms));
  const bytes = distBytes(r.dist);
  const problem = r.s.check(RUNS, seen.get(r.key) ?? { discord: 0, github: 0 });
  const within = ratio <= r.s.target;
  // A compare row (another tree's dist) is shown for the A/B, never gated.
  if (!r.key.endsWith(':compare') && (!(within || r.s.ungated) || bytes > MAX_DIST_BYTES || problem))
    failed = true;
  const mark = within ? '✓' : r.s.ungated ? '✗ (shown, not gated)' : '✗';
  console.log(
    `| ${r.label} | ${ms.toFixed(1)} | ${ratio.toFixed(2)} | ≤ ${r.s.target.toFixed(1)} ${mark} |${cpuCols(times.get(r.key) ?? [])} ${(bytes / 1024).toFixed(0)} KiB${bytes <= MAX_DIST_BYTES ? '' : ' ✗ (> 1.5 MB)'}${problem ? ` — did not do its work: ${problem}` : ''} |`,
  );
}

if (PROFILE)
  await breakdown(
    scenarios.map((s) => ({
      action: s.action,
      label: s.key === 'probe-memory' ? `${s.action} (memory)` : s.action,
      run: (bundle: string, args: string[]) => runScenario(s, bundle, `${s.key}:profile`, args),
    })),
    work,
  );

await Promise.all([discord.close(), gh.close(), targets.close()]);
rmSync(work, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
