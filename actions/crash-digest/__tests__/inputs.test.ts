import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInputs } from '@sre-toolkit/action';
import { readActionYaml, REPO_ROOT } from '@sre-toolkit/testkit';
import { inputs } from '../src/inputs';

describe('crash-digest inputs', () => {
  const yaml = readActionYaml('crash-digest');

  it('declares the same inputs with the same defaults as action.yml', () => {
    const fromYaml = Object.fromEntries(
      Object.entries(yaml.inputs ?? {}).map(([name, spec]) => [name, String(spec.default ?? '')]),
    );
    const fromSchema = Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, spec.default]));
    expect(fromSchema).toEqual(fromYaml);
  });

  it('parses the defaults', () => {
    const parsed = parseInputs(inputs, () => '');
    expect(parsed.ok && parsed.value).toMatchObject({
      source: [],
      window: 86_400_000,
      top: 10,
      'spike-factor': 3,
      'min-events': 10,
      scrub: true,
      'dry-run': false,
      'source-timeout': 300_000,
      'source-max-bytes': 512 * 1024 * 1024,
      'discord-timeout': 30_000,
    });
  });

  it('reads sizes and budgets, and refuses sizes and waits out of range', () => {
    const good: Record<string, string> = { 'source-max-bytes': '64KiB', 'source-timeout': '2s' };
    const parsed = parseInputs(inputs, (n) => good[n] ?? '');
    expect(parsed.ok && [parsed.value['source-max-bytes'], parsed.value['source-timeout']]).toEqual([
      65_536, 2000,
    ]);
    const bad: Record<string, string> = {
      'source-timeout': '7h',
      'source-max-bytes': '10MB',
      'discord-timeout': '0s',
    };
    const refused = parseInputs(inputs, (n) => bad[n] ?? '');
    expect(refused.ok ? [] : refused.errors).toEqual([
      { input: 'source-timeout', message: 'must be at most 6h, got "7h"' },
      {
        input: 'source-max-bytes',
        message: 'must be a size from 1KiB to 16GiB, like 64MiB or 512MiB, got "10MB"',
      },
      { input: 'discord-timeout', message: 'must be a duration like 500ms, 30s, 15m, 24h or 14d, got "0s"' },
    ]);
  });

  it('keeps commas inside globs and splits sources by line only', () => {
    const parsed = parseInputs(inputs, (n) =>
      n === 'source' ? 'exports/*.{json,ndjson}\n\n  crashes/today.ndjson ' : '',
    );
    expect(parsed.ok && parsed.value.source).toEqual(['exports/*.{json,ndjson}', 'crashes/today.ndjson']);
  });

  it('names each bad input with the rule it broke', () => {
    const bad: Record<string, string> = {
      'app-package': 'Mara-App',
      window: 'soon',
      'spike-factor': '0.5',
      top: '0',
    };
    const parsed = parseInputs(inputs, (n) => bad[n] ?? '');
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      {
        input: 'app-package',
        message: 'must be Dart package names (lower case, digits, _), like "mara"; got "Mara-App"',
      },
      { input: 'window', message: 'must be a duration like 500ms, 30s, 15m, 24h or 14d, got "soon"' },
      { input: 'top', message: 'must be a whole number from 1 to 50, got "0"' },
      { input: 'spike-factor', message: 'must be a number from 1 to 1000, got "0.5"' },
    ]);
  });
});

describe('crash-digest README', () => {
  const yaml = readActionYaml('crash-digest') as ReturnType<typeof readActionYaml> & {
    outputs?: Record<string, unknown>;
  };
  const readme = readFileSync(join(REPO_ROOT, 'actions', 'crash-digest', 'README.md'), 'utf8');
  const rows = new Map(
    readme
      .split('\n')
      .map((l) => /^\|\s*`([a-z-]+)`\s*\|\s*([^|]*?)\s*\|/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string]),
  );

  it('documents every input with its default and every output', () => {
    const inputs = Object.entries(yaml.inputs ?? {}).map(([name, spec]) => [
      name,
      `\`${String(spec.default) || "''"}\``,
    ]);
    expect(inputs.filter(([name, def]) => rows.get(name as string) !== def)).toEqual([]);
    expect(Object.keys(yaml.outputs ?? {}).filter((name) => !rows.has(name))).toEqual([]);
  });
});
