import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { node24, REPO_ROOT } from '@sre-toolkit/testkit';

/** The committed bundle, started as a child process on loopback (port 0: the OS picks a free one). */
export const SERVER = join(REPO_ROOT, 'packages', 'crash-intake', 'dist', 'server.js');
export const EXPORT_TOKEN = 'export-token-0123456789abcdef';

export interface IntakeProcess {
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9) and wait. */
  kill(): Promise<void>;
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'crash-intake-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startIntake(dataDir: string, env: Record<string, string> = {}): Promise<IntakeProcess> {
  const child = spawn(node24(), [SERVER], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      CRASH_DATA_DIR: dataDir,
      CRASH_EXPORT_TOKEN: EXPORT_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = () => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        child.stdout?.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => reject(new Error(`intake exited with ${code} before listening:\n${out}`)));
  });
  return {
    port,
    dataDir,
    child,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs the bundle to its exit (for settings it refuses). */
export function runToExit(
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(node24(), [SERVER], {
      cwd,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export function request(
  port: number,
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; agent?: http.Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: options.headers ?? {},
        ...(options.agent ? { agent: options.agent } : {}),
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    // A server that refuses a body early (413) may close before the client finished sending it.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(options.body);
  });
}

export const postReports = (port: number, reports: unknown, headers: Record<string, string> = {}) =>
  request(port, 'POST', '/api/crashes', {
    body: typeof reports === 'string' ? reports : JSON.stringify(reports),
    headers: { 'content-type': 'application/json', ...headers },
  });

export const exportAll = async (port: number, query = '', headers: Record<string, string> = {}) =>
  request(port, 'GET', `/api/crashes/export${query}`, {
    headers: { authorization: `Bearer ${EXPORT_TOKEN}`, ...headers },
  });

/** A valid app report (docs/crash-report.schema.json) with a real Dart VM trace. */
export function appReport(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'StateError',
    message: 'Bad state: No element',
    stackTrace: [
      '#0      ListBase.first (dart:collection/list.dart:74:7)',
      '#1      CartPage._total (package:my_app/cart/cart_page.dart:88:31)',
      '#2      CartPage.build (package:my_app/cart/cart_page.dart:41:12)',
      '#3      StatelessElement.build (package:flutter/src/widgets/framework.dart:5687:49)',
      '',
    ].join('\n'),
    fatal: true,
    source: 'zone',
    platform: 'android',
    appVersion: '2.4.1',
    buildNumber: '88',
    osVersion: 'Android 14 (API 34)',
    device: 'Pixel 8',
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}
