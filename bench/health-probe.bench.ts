// The health-probe bundle (Node 24, as the runner starts it) probing 50 loopback targets: 49 answer
// in 20-116 ms, one after 2 s. The run should last about as long as that slowest target, never the
// sum; concurrency 1 shows what probing one URL after another costs. The memory across runs (the
// state file on its branch, against the GitHub stand-in) shows its round trip: requests and ms.
import {
  GITHUB_DEFAULTS,
  runAction,
  startGitHubServer,
  startHealthTargets,
  type HealthTargets,
} from '@sre-toolkit/testkit';

const SLOW_MS = 2000;
const servers: HealthTargets[] = [];
const urls: string[] = [];
for (let i = 0; i < 50; i++) {
  const server = await startHealthTargets();
  // A deterministic spread of ordinary latencies; target 25 is the slow one.
  server.route('/health', { body: { status: 'UP' }, delayMs: i === 25 ? SLOW_MS : 20 + ((i * 37) % 97) });
  servers.push(server);
  urls.push(server.url('/health'));
}
const sumOfLatencies =
  20 * 49 +
  Array.from({ length: 50 }, (_, i) => (i === 25 ? 0 : (i * 37) % 97)).reduce((a, b) => a + b) +
  SLOW_MS;

interface Row {
  scenario: string;
  wallMs: number;
  slowestMs: number;
  up: number;
}

async function measure(scenario: string, concurrency: string): Promise<Row> {
  const run = await runAction('health-probe', {
    inputs: { targets: urls.join('\n'), concurrency, issue: 'false', retries: '0' },
    timeoutMs: 60_000,
  });
  if (run.exitCode !== 0) throw new Error(`${scenario}: exit ${run.exitCode}\n${run.log}`);
  const results = JSON.parse(run.outputs.results ?? '[]') as { status: string; response_ms: number }[];
  return {
    scenario,
    wallMs: run.durationMs,
    slowestMs: Math.max(...results.map((r) => r.response_ms)),
    up: results.filter((r) => r.status === 'up').length,
  };
}

// One warm-up run so the file cache does not count against the first scenario.
await measure('warm-up', '10');
const rows = [
  await measure('concurrency 10 (default)', '10'),
  await measure('concurrency 50', '50'),
  await measure('concurrency 1 (one after another)', '1'),
];

interface StateRow {
  scenario: string;
  wallMs: number;
  requests: number;
  readMs: number;
  writeMs: number;
  stateBytes: number;
}

// Memory: the first run creates the branch; later runs read and write one file. The state grows
// with the runs kept (48 h of raw results, then 90 days of hours), so one scenario starts from 48 h of
// 5-minute runs and 90 days of hours.
const github = await startGitHubServer();
const ref = await fetch(`${github.url}/repos/acme/mara/git/ref/heads/main`, {
  headers: { authorization: `Bearer ${GITHUB_DEFAULTS.token}` },
});
const mainSha = ((await ref.json()) as { object: { sha: string } }).object.sha;
async function measureState(scenario: string): Promise<StateRow> {
  const run = await runAction('health-probe', {
    inputs: { targets: urls.join('\n'), concurrency: '10', retries: '0', issue: 'false' },
    env: { GITHUB_TOKEN: GITHUB_DEFAULTS.token, GITHUB_API_URL: github.url, GITHUB_SHA: mainSha },
    timeoutMs: 60_000,
  });
  const m = /State saved: (\d+) GitHub requests, read (\d+) ms \(alongside the probes\), write (\d+) ms/.exec(
    run.log,
  );
  if (run.exitCode !== 0 || !m) throw new Error(`${scenario}: exit ${run.exitCode}\n${run.log}`);
  return {
    scenario,
    wallMs: run.durationMs,
    requests: Number(m[1]),
    readMs: Number(m[2]),
    writeMs: Number(m[3]),
    stateBytes: (github.file('health-probe.json', { branch: 'health-state' }) ?? '').length,
  };
}
const stateRows = [await measureState('first run (creates the branch)'), await measureState('second run')];
// 48 hours of 5-minute runs for every target, as a long-running monitor has.
const full = JSON.parse(github.file('health-probe.json', { branch: 'health-state' }) ?? '{}') as {
  targets: Record<string, { samples: unknown[] }>;
};
const t0 = Date.now();
for (const memory of Object.values(full.targets)) {
  memory.samples = Array.from({ length: 576 }, (_, i) => [t0 - (576 - i) * 300_000, 'u', 40 + (i % 50)]);
}
for (const memory of Object.values(full.targets) as { hours?: unknown[] }[]) {
  const hour = Math.floor(t0 / 3_600_000);
  memory.hours = Array.from({ length: 2160 - 48 }, (_, i) => [hour - 2160 + i, 12, 0, 0, 0, 45, 80]);
}
github.putFile('health-probe.json', JSON.stringify(full), { branch: 'health-state' });
stateRows.push(await measureState('with 48 h of results and 90 days of hours, 50 targets'));
await Promise.all([...servers.map((s) => s.close()), github.close()]);

console.log(
  '| scenario | targets up | wall time (process start to exit) | slowest target | wall − slowest |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.scenario} | ${r.up}/50 | ${(r.wallMs / 1000).toFixed(2)} s | ${(r.slowestMs / 1000).toFixed(2)} s | ${((r.wallMs - r.slowestMs) / 1000).toFixed(2)} s |`,
  );
}
console.log(`\nSum of all 50 latencies: ${(sumOfLatencies / 1000).toFixed(2)} s.`);
const [def] = rows;
if (!def || def.up !== 50 || def.wallMs > def.slowestMs + 1500) process.exitCode = 1;

console.log('');
console.log(
  '| memory (state-branch, 50 targets) | wall time | state requests | read (alongside the probes) | write | state file |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of stateRows) {
  console.log(
    `| ${r.scenario} | ${(r.wallMs / 1000).toFixed(2)} s | ${r.requests} | ${r.readMs} ms | ${r.writeMs} ms | ${(r.stateBytes / 1024).toFixed(0)} KiB |`,
  );
}
