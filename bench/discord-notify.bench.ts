// Start-up of the discord-notify bundle sending one message to the loopback Discord stand-in,
// against bare `node -e 0`, both on Node 24: medians of interleaved runs (target ≤ 2.0×, issue #16).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node24, REPO_ROOT, startDiscordServer } from '@sre-toolkit/testkit';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET = 2.0;

function timeRun(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node24(), args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

const discord = await startDiscordServer();
const work = mkdtempSync(join(tmpdir(), 'bench-notify-'));
for (const f of ['output', 'summary', 'state']) writeFileSync(join(work, f), '');
writeFileSync(
  join(work, 'event.json'),
  JSON.stringify({ ref: 'refs/heads/main', head_commit: { id: 'a'.repeat(40), message: 'Fix' } }),
);
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  GITHUB_EVENT_NAME: 'push',
  GITHUB_EVENT_PATH: join(work, 'event.json'),
  GITHUB_OUTPUT: join(work, 'output'),
  GITHUB_STEP_SUMMARY: join(work, 'summary'),
  GITHUB_STATE: join(work, 'state'),
  GITHUB_REPOSITORY: 'acme/mara',
  GITHUB_RUN_ID: '1',
  GITHUB_WORKFLOW: 'frontend-ci',
  'INPUT_WEBHOOK-URL': discord.webhookUrl(),
  INPUT_STATUS: 'failure',
  INPUT_TEMPLATE: 'auto',
  'INPUT_NOTIFY-ON': 'success, failure, cancelled, skipped, info',
  'INPUT_MENTION-ON': 'failure',
  INPUT_TIMEOUT: '30s',
  'INPUT_DRY-RUN': 'false',
  'INPUT_FAIL-ON-ERROR': 'false',
  'INPUT_SUPPRESS-NOTIFICATIONS': 'false',
};
const bundle = join(REPO_ROOT, 'actions', 'discord-notify', 'dist', 'index.js');

const bare: number[] = [];
const action: number[] = [];
// Warm the file cache, then interleave so both sides see the same machine load.
await timeRun(['-e', '0'], env);
await timeRun([bundle], env);
for (let i = 0; i < RUNS; i++) {
  bare.push(await timeRun(['-e', '0'], env));
  action.push(await timeRun([bundle], env));
}
await discord.close();
const delivered = discord.received.length;
const ratio = median(action) / median(bare);

console.log('| what (Node 24) | median ms | × bare node |');
console.log('| --- | --- | --- |');
console.log(`| \`node -e 0\` | ${median(bare).toFixed(1)} | 1.00 |`);
console.log(`| discord-notify bundle, one message | ${median(action).toFixed(1)} | ${ratio.toFixed(2)} |`);
console.log(
  `\n${RUNS} interleaved runs each; ${delivered} messages delivered; target ≤ ${TARGET}× — ${ratio <= TARGET ? 'met' : 'NOT met'}.`,
);
if (delivered !== RUNS + 1) process.exitCode = 1;
