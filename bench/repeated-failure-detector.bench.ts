// API requests and wall time of repeated-failure-detector scanning a seeded 20-workflow repository
// against the loopback GitHub stand-in, through the committed bundle (as the runner starts it).
// Budget from the issue: a scheduled scan of 20 workflows costs at most 25 requests.
import {
  runAction,
  seedBusyRepository,
  startDiscordServer,
  startGitHubServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';

const SELF = { name: 'Repeated failures', path: '.github/workflows/repeated-failures.yml' };
const ROUNDS = 5;
const BUDGET = 25;

const discord = await startDiscordServer();

const env = (gh: GitHubServer) => ({
  GITHUB_API_URL: gh.url,
  GITHUB_TOKEN: gh.token,
  GITHUB_WORKFLOW: SELF.name,
  GITHUB_WORKFLOW_REF: `acme/mara/${SELF.path}@refs/heads/main`,
});
const schedule = {
  eventName: 'schedule',
  event: { schedule: '17 * * * *', repository: { full_name: 'acme/mara', default_branch: 'main' } },
};

interface Sample {
  reads: number;
  writes: number;
  ms: number;
  alerted: string;
}
const samples: Record<string, Sample[]> = {
  'first scan (2 streaks alerted)': [],
  'unchanged rescan': [],
  'workflow_run event': [],
};

for (let round = 0; round < ROUNDS; round++) {
  const gh = await startGitHubServer({ workflows: [SELF] });
  const seeded = seedBusyRepository(gh, { count: 20 });
  const measure = async (name: string, options: Parameters<typeof runAction>[1]) => {
    gh.resetLog();
    discord.reset();
    const run = await runAction('repeated-failure-detector', options);
    if (run.exitCode !== 0) throw new Error(`${name} failed:\n${run.log}`);
    samples[name]?.push({
      reads: gh.requests.filter((r) => r.method === 'GET').length,
      writes: gh.requests.filter((r) => r.method !== 'GET').length,
      ms: run.durationMs,
      alerted: run.outputs.alerted ?? '',
    });
  };
  const inputs = { 'webhook-url': discord.webhookUrl() };
  await measure('first scan (2 streaks alerted)', { ...schedule, env: env(gh), inputs });
  await measure('unchanged rescan', { ...schedule, env: env(gh), inputs });
  const failingRun = gh.runs.filter((r) => gh.workflow(r.workflowId).name === seeded.failing[0]).at(-1);
  const res = await fetch(`${gh.url}/repos/acme/mara/actions/runs/${failingRun?.id}`, {
    headers: { authorization: `token ${gh.token}` },
  });
  const workflowRun = (await res.json()) as Record<string, unknown>;
  await measure('workflow_run event', {
    eventName: 'workflow_run',
    event: {
      action: 'completed',
      workflow_run: workflowRun,
      workflow: { path: gh.workflow(seeded.failing[0] ?? '').path },
      repository: { full_name: 'acme/mara', default_branch: 'main' },
    },
    env: env(gh),
    inputs,
  });
  await gh.close();
}
await discord.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(
  `Seeded: 20 workflows × 30 runs on main (+ feature branches), 2 failing streaks, 2 flaky re-runs.`,
);
console.log(
  `Wall time: median of ${ROUNDS} rounds, Node 24 process start included. Budget: ≤ ${BUDGET} requests per scheduled scan.\n`,
);
console.log('| scenario | API reads | API writes | total requests | wall time (ms) | alerted |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, list] of Object.entries(samples)) {
  const s = list[0];
  if (!s) continue;
  console.log(
    `| ${name} | ${s.reads} | ${s.writes} | ${s.reads + s.writes} | ${median(list.map((x) => x.ms)).toFixed(0)} | ${s.alerted} |`,
  );
}
const rescan = samples['unchanged rescan']?.[0];
if (rescan && rescan.reads + rescan.writes > BUDGET) {
  console.log(`\nOver budget: the unchanged rescan made ${rescan.reads + rescan.writes} requests.`);
  process.exit(1);
}
