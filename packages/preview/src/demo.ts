import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runAction,
  startDiscordServer,
  startGitHubServer,
  startHealthTargets,
  type ActionRun,
  type DiscordServer,
  type GitHubServer,
  type HealthTargets,
  type RunOptions,
} from '@sre-toolkit/testkit';
import type { ShownMessage } from './discord-html';
import { renderPage, type PageRun } from './page';

/** The four channels of the toolkit, each a webhook on the Discord stand-in. */
export const CHANNELS = {
  'dev-events': { id: '100000000000000001', token: 'demo-dev-events' },
  deploys: { id: '100000000000000002', token: 'demo-deploys' },
  alerts: { id: '100000000000000003', token: 'demo-alerts' },
  crashes: { id: '100000000000000004', token: 'demo-crashes' },
} as const;
export type Channel = keyof typeof CHANNELS;

export interface DemoWorld {
  readonly discord: DiscordServer;
  /** The GitHub REST stand-in: workflows, runs and issues persist from one scenario to the next. */
  readonly github: GitHubServer;
  /** Loopback health endpoints the scenarios route as up, slow or down. */
  readonly health: HealthTargets;
  /** A writable folder for files a scenario needs (a crash export, say). */
  readonly workDir: string;
  webhook(channel: Channel): string;
}

/** One step of the story: which action runs, with what, and what must be true afterwards. */
export interface Scenario {
  readonly title: string;
  readonly action: string;
  /** Set up any stand-ins and return how to run the action. */
  prepare(world: DemoWorld): Promise<RunOptions> | RunOptions;
  /** Throws when the run did not do what the scenario promises. */
  check?(run: ActionRun, world: DemoWorld): void;
  /** Runs after check; stops any stand-ins the scenario started. */
  cleanup?(): Promise<void>;
}

export interface DemoResult {
  readonly html: string;
  readonly file: string;
  readonly runs: readonly (PageRun & { ok: boolean; problem?: string })[];
  readonly messages: Record<Channel, number>;
}

/** Runs every scenario against loopback stand-ins and writes the page. */
export async function runDemo(options: {
  scenarios: readonly Scenario[];
  outDir: string;
  log?: (line: string) => void;
}): Promise<DemoResult> {
  const log = options.log ?? (() => undefined);
  const discord = await startDiscordServer();
  for (const c of Object.values(CHANNELS)) discord.addWebhook(c.id, c.token);
  const github = await startGitHubServer({
    workflows: [
      { name: 'frontend-ci', path: '.github/workflows/frontend-ci.yml' },
      { name: 'frontend-deploy', path: '.github/workflows/frontend-deploy.yml' },
      { name: 'Repeated failures', path: '.github/workflows/repeated-failures.yml' },
    ],
  });
  const health = await startHealthTargets();
  const workDir = mkdtempSync(join(tmpdir(), 'sre-demo-'));
  const world: DemoWorld = {
    discord,
    github,
    health,
    workDir,
    webhook: (c) => discord.webhookUrl(CHANNELS[c].id, CHANNELS[c].token),
  };
  const runs: (PageRun & { ok: boolean; problem?: string })[] = [];
  const shown: Record<Channel, ShownMessage[]> = { 'dev-events': [], deploys: [], alerts: [], crashes: [] };
  const byId = new Map<string, { channel: Channel; index: number }>();
  try {
    for (const [i, s] of options.scenarios.entries()) {
      const started = Date.now();
      const before = discord.received.length;
      const editsBefore = discord.edits.length;
      let run: ActionRun | undefined;
      let problem: string | undefined;
      try {
        run = await runAction(s.action, await s.prepare(world));
        s.check?.(run, world);
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      } finally {
        await s.cleanup?.();
      }
      for (const m of discord.received.slice(before)) {
        const channel = (Object.keys(CHANNELS) as Channel[]).find((c) => CHANNELS[c].id === m.webhookId);
        if (channel) {
          const message: ShownMessage = {
            body: m.body as ShownMessage['body'],
            webhookName: `${s.action}`,
            at: new Date(),
          };
          shown[channel].push(message);
          byId.set(m.id, { channel, index: shown[channel].length - 1 });
        }
      }
      // An edited message changes in place, as in Discord, marked "(edited)".
      for (const e of discord.edits.slice(editsBefore)) {
        const where = byId.get(e.messageId);
        const now = discord.message(e.messageId);
        const old = where && shown[where.channel][where.index];
        if (where && now && old)
          shown[where.channel][where.index] = { ...old, body: now as ShownMessage['body'], edited: true };
      }
      const sent = discord.received.length - before;
      log(
        `${problem ? '✗' : '✓'} ${String(i + 1).padStart(2)}/${options.scenarios.length} ${s.title} — ${s.action}, ${sent} message${sent === 1 ? '' : 's'}, ${((Date.now() - started) / 1000).toFixed(1)} s${problem ? `\n    ${problem}` : ''}`,
      );
      runs.push({
        title: s.title,
        action: s.action,
        exitCode: run?.exitCode ?? -1,
        summary: run?.summary ?? '',
        ok: !problem,
        ...(problem ? { problem } : {}),
      });
    }
  } finally {
    await Promise.all([discord.close(), github.close(), health.close()]);
    rmSync(workDir, { recursive: true, force: true });
  }
  const html = renderPage({
    title: 'SRE toolkit demo',
    subtitle: `${runs.length} scenarios, every action's committed bundle under Node 24, against loopback stand-ins for Discord and GitHub.`,
    channels: (Object.keys(shown) as Channel[]).map((c) => ({ name: c, messages: shown[c] })),
    runs,
  });
  mkdirSync(options.outDir, { recursive: true });
  const file = join(options.outDir, 'index.html');
  writeFileSync(file, html);
  return {
    html,
    file,
    runs,
    messages: Object.fromEntries(
      (Object.keys(shown) as Channel[]).map((c) => [c, shown[c].length]),
    ) as Record<Channel, number>,
  };
}
