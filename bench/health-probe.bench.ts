// The health-probe bundle (Node 24, as the runner starts it) probing 50 loopback targets: 49 answer
// in 20-116 ms, one after 2 s. The run should last about as long as that slowest target, never the
// sum; concurrency 1 shows what probing one URL after another costs.
import { runAction, startHealthTargets, type HealthTargets } from '@sre-toolkit/testkit';

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
await Promise.all(servers.map((s) => s.close()));

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
