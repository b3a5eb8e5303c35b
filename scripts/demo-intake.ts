// The demo's crash-intake scenario: the app posts crashes to the intake's committed bundle, #alerts
// gets the real-time alert for the new fatal crash, and the daily digest reads the intake's export.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { runDemo } from '@sre-toolkit/preview';
import { crashCorpusLines, node24, REPO_ROOT } from '@sre-toolkit/testkit';

type Scenario = Parameters<typeof runDemo>[0]['scenarios'][number];

const EXPORT_TOKEN = 'demo-intake-export-token-7c2d';

function startIntake(dataDir: string, alertsWebhook: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(node24(), [join(REPO_ROOT, 'packages', 'crash-intake', 'dist', 'server.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      CRASH_DATA_DIR: dataDir,
      CRASH_EXPORT_TOKEN: EXPORT_TOKEN,
      CRASH_APP_PACKAGE: 'mara',
      CRASH_RATE_LIMIT: '1000',
      DISCORD_WEBHOOK_ALERTS: alertsWebhook,
      CRASH_ALERT_MENTION: 'role:445566778899001122',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`the intake exited with ${code}: ${out.slice(-400)}`)));
  });
}

function post(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/crashes',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let intake: { child: ChildProcess; port: number } | undefined;
let dataDir: string | undefined;

export const intakeScenarios: Scenario[] = [
  {
    title: 'The app posts crashes to the intake: #alerts in real time, the digest from its export',
    action: 'crash-digest',
    prepare: async (w) => {
      dataDir = mkdtempSync(join(tmpdir(), 'demo-intake-'));
      intake = await startIntake(dataDir, w.webhook('alerts'));
      const before = w.discord.received.length;
      // The app's offline queue flushing: the known-bugs corpus in batches of 100.
      const reports = [...crashCorpusLines({ now: Date.now(), invalid: false })];
      for (let i = 0; i < reports.length; i += 100) {
        const status = await post(intake.port, `[${reports.slice(i, i + 100).join(',')}]`);
        if (status !== 202) throw new Error(`the intake answered ${status} to a batch`);
      }
      // The real-time alerts, bounded: an alert that has not come in 10 s is a failed scenario.
      const deadline = Date.now() + 10_000;
      while (w.discord.received.length === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      if (w.discord.received.length === before) throw new Error('no real-time alert reached #alerts');
      return {
        eventName: 'schedule',
        event: { schedule: '17 7 * * *', repository: { full_name: 'acme/mara', name: 'mara' } },
        env: { GITHUB_WORKSPACE: w.workDir, GITHUB_WORKFLOW: 'crash-digest' },
        inputs: {
          'source-url': `http://127.0.0.1:${intake.port}/api/crashes/export`,
          'source-token': EXPORT_TOKEN,
          'app-package': 'mara',
          'webhook-url': w.webhook('crashes'),
          'alerts-webhook-url': w.webhook('alerts'),
          mention: 'role:445566778899001122',
        },
      };
    },
    check: (run) => {
      if (run.exitCode !== 0) throw new Error(`the digest failed: ${run.log.slice(-400)}`);
      if (run.outputs.total !== '176')
        throw new Error(`expected 176 reports from the export, got ${run.outputs.total}`);
      if (run.log.includes(EXPORT_TOKEN)) throw new Error('the export token reached the log');
    },
    cleanup: async () => {
      const child = intake?.child;
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      intake = undefined;
    },
  },
];
