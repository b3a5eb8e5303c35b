import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isObject, ROOT, stepsOf, workflows } from './repo-files';

// health-check.yml fills the backend URL into .github/health-targets.yml and, when the repository
// variable CRASH_INTAKE_URL is set, adds the crash intake's /health. The step's own script runs
// here with bash, from the repository root, as the runner would run it.
const workflow = workflows().find((w) => w.file === 'health-check.yml');
const fill = workflow && stepsOf(workflow).find((s) => String(s.step.name ?? '').startsWith('Fill'));
const script = fill && typeof fill.step.run === 'string' ? fill.step.run : '';

function runFill(env: Record<string, string>): { names: unknown[]; urls: unknown[] } {
  const temp = mkdtempSync(join(tmpdir(), 'health-fill-'));
  try {
    // Debian images carry envsubst (gettext-base); where one does not, a shim does the one
    // substitution the step asks for.
    const shim = join(temp, 'envsubst');
    writeFileSync(shim, '#!/bin/sh\nexec sed "s|\\${HEALTH_URL}|$HEALTH_URL|g"\n');
    chmodSync(shim, 0o755);
    const hasEnvsubst = (() => {
      try {
        execFileSync('bash', ['-c', 'command -v envsubst'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    execFileSync('bash', ['-e', '-c', script], {
      cwd: ROOT,
      env: {
        PATH: hasEnvsubst ? (process.env.PATH ?? '') : `${temp}:${process.env.PATH ?? ''}`,
        RUNNER_TEMP: temp,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const config: unknown = parse(readFileSync(join(temp, 'health-targets.yml'), 'utf8'));
    const targets = isObject(config) && Array.isArray(config.targets) ? config.targets : [];
    return {
      names: targets.map((t: unknown) => (isObject(t) ? t.name : undefined)),
      urls: targets.map((t: unknown) => (isObject(t) ? t.url : undefined)),
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

describe('health-check.yml › Fill the backend URL into the targets', () => {
  it('is a step with a script', () => {
    expect(script).toContain('health-targets.yml');
  });

  it('probes only the backend while CRASH_INTAKE_URL is unset', () => {
    const { names, urls } = runFill({ HEALTH_URL: 'https://api.example.com', CRASH_INTAKE_URL: '' });
    expect(names).toEqual(['backend']);
    expect(urls).toEqual(['https://api.example.com/health']);
  });

  it("adds the crash intake's /health when CRASH_INTAKE_URL is set, trailing slash or not", () => {
    for (const base of ['https://crashes.example.com', 'https://crashes.example.com/']) {
      const { names, urls } = runFill({ HEALTH_URL: 'https://api.example.com', CRASH_INTAKE_URL: base });
      expect(names).toEqual(['backend', 'crash-intake']);
      expect(urls).toEqual(['https://api.example.com/health', 'https://crashes.example.com/health']);
    }
  });
});
