// `pnpm bench github-client`: which octokit the actions should load (issue #16). Each candidate is
// bundled as the actions are (ncc, minified, lazy chunks minified too) into a one-file program that
// builds a client with throttling and retries and makes one GET to the loopback GitHub stand-in;
// each runs under Node 24, interleaved with bare `node -e 0`; medians.
// @octokit/rest is not a dependency of the workspace: give BENCH_OCTOKIT_REST_DIR, a directory
// where `npm install @octokit/rest @octokit/plugin-throttling @octokit/plugin-retry` was run, to
// measure it too. BENCH_RUNS (default 11).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minifySync } from '@swc/core';
import { GITHUB_DEFAULTS, node24, REPO_ROOT, startGitHubServer } from '@sre-toolkit/testkit';

const RUNS = Math.max(7, Number(process.env.BENCH_RUNS ?? 11));
const REST_DIR = process.env.BENCH_OCTOKIT_REST_DIR;

const THROTTLE = `{ onRateLimit: () => false, onSecondaryRateLimit: () => false }`;
const GET = `const { data } = await client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'mara' });
if (data.full_name !== 'acme/mara') process.exit(3);`;
const light = (withThrottling: boolean, fetch: 'node:http' | 'built-in') => `
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
${withThrottling ? "import { throttling } from '@octokit/plugin-throttling';" : ''}
${fetch === 'node:http' ? "import { httpFetch } from '../../src/http-fetch';" : ''}
const C = Octokit.plugin(paginateRest, ${withThrottling ? 'throttling, ' : ''}retry);
const client = new C({ auth: 'token ' + process.env.TOKEN, baseUrl: process.env.BASE,
  ${fetch === 'node:http' ? 'request: { fetch: httpFetch },' : ''} ${withThrottling ? `throttle: ${THROTTLE}` : ''} });
${GET}`;

interface Candidate {
  readonly name: string;
  readonly dir: string;
  readonly source: string;
}
// Entries live under packages/github so they resolve its dependencies, as the client does.
const inWorkspace = join(REPO_ROOT, 'packages', 'github', '.bench-clients');
const candidates: Candidate[] = [
  {
    name: "@actions/github's octokit (REST map + paginate) + throttling + retry, its undici fetch (before)",
    dir: inWorkspace,
    source: `
import { GitHub } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
const C = GitHub.plugin(throttling, retry);
const client = new C({ auth: 'token ' + process.env.TOKEN, baseUrl: process.env.BASE, throttle: ${THROTTLE} });
${GET}`,
  },
  {
    name: '@octokit/core + paginate + throttling + retry, built-in fetch',
    dir: inWorkspace,
    source: light(true, 'built-in'),
  },
  {
    name: '@octokit/core + paginate + throttling + retry, node:http fetch (chosen)',
    dir: inWorkspace,
    source: light(true, 'node:http'),
  },
  {
    name: '(for scale) the same without throttling: what Bottleneck costs',
    dir: inWorkspace,
    source: light(false, 'node:http'),
  },
];
if (REST_DIR && existsSync(join(REST_DIR, 'node_modules', '@octokit', 'rest'))) {
  candidates.push({
    name: '@octokit/rest + throttling + retry, built-in fetch',
    dir: join(REST_DIR, '.bench-clients'),
    source: `
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
const C = Octokit.plugin(throttling, retry);
const client = new C({ auth: 'token ' + process.env.TOKEN, baseUrl: process.env.BASE, throttle: ${THROTTLE} });
${GET}`,
  });
}

const ncc = join(REPO_ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
const built: { name: string; bundle: string; bytes: number }[] = [];
for (const [i, c] of candidates.entries()) {
  const dir = join(c.dir, String(i));
  mkdirSync(dir, { recursive: true });
  // Outside the workspace there is no tsconfig: plain JavaScript (the sources are).
  const entry = join(dir, c.dir === inWorkspace ? 'entry.ts' : 'entry.mjs');
  writeFileSync(entry, c.source);
  const out = join(dir, 'dist');
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', out, '--minify', '--target', 'es2022', '--quiet'],
    { stdio: 'inherit' },
  );
  // As scripts/bundle.mjs does for lazy chunks.
  const main = readdirSync(out).find((f) => /^index\.m?js$/.test(f)) ?? 'index.js';
  for (const f of readdirSync(out).filter((f) => /\.m?js$/.test(f) && f !== main)) {
    const path = join(out, f);
    const min = minifySync(readFileSync(path, 'utf8'), {
      module: true,
      compress: false,
      mangle: { keepClassNames: true, keepFnNames: true },
    });
    writeFileSync(path, min.code);
  }
  const bytes = readdirSync(out).reduce((n, f) => n + statSync(join(out, f)).size, 0);
  built.push({ name: c.name, bundle: join(out, main), bytes });
}

const gh = await startGitHubServer();
const env = { PATH: process.env.PATH, TOKEN: GITHUB_DEFAULTS.token, BASE: gh.url };
function timeRun(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node24(), args, { env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
        : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

await timeRun(['-e', '0']);
for (const b of built) await timeRun([b.bundle]);
const bare: number[] = [];
const times = built.map(() => [] as number[]);
for (let r = 0; r < RUNS; r++) {
  bare.push(await timeRun(['-e', '0']));
  for (const [i, b] of built.entries()) times[i]?.push(await timeRun([b.bundle]));
}
await gh.close();
for (const c of new Set(candidates.map((c) => c.dir))) rmSync(c, { recursive: true, force: true });

console.log(`Node 24; ${RUNS} interleaved runs; one GET to the loopback stand-in; medians.\n`);
console.log('| client | median ms | × bare node | bundle (entry + chunks) |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| \`node -e 0\` | ${median(bare).toFixed(1)} | 1.00 | |`);
for (const [i, b] of built.entries()) {
  const ms = median(times[i] ?? []);
  console.log(
    `| ${b.name} | ${ms.toFixed(1)} | ${(ms / median(bare)).toFixed(2)} | ${(b.bytes / 1024).toFixed(0)} KiB |`,
  );
}
if (!REST_DIR)
  console.log('\n(@octokit/rest not measured: set BENCH_OCTOKIT_REST_DIR, see the top of this file.)');
