import { describe, expect, it } from '@jest/globals';
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionNames, manifestPath, ROOT } from './repo-files';

/**
 * What GitHub's own parser (the one behind the runner and the editor extension) says about an
 * action.yml: its errors, and the runtime it asks for. The runner refuses to load an action whose
 * manifest has an error, e.g. a `${{ job.status }}` written into a description.
 */
function manifestProblems(content: string): string[] {
  const parsed = parseAction({ name: 'action.yml', content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !parsed.value) return errors;
  const template = convertActionTemplate(parsed.context, parsed.value);
  const runs = template.runs;
  const problems: string[] = [];
  if (runs.using !== 'node24') problems.push(`runs.using is ${runs.using}, not node24`);
  if (!('main' in runs) || runs.main !== 'dist/index.js') {
    problems.push(`runs.main is ${'main' in runs ? runs.main : 'missing'}, not dist/index.js`);
  }
  return problems;
}

const present = actionNames().filter((n) => existsSync(manifestPath(n)));
const missing = actionNames().filter((n) => !existsSync(manifestPath(n)));
if (missing.length) {
  console.warn(
    `action.yml not written yet for: ${missing.join(', ')} — the parser check skips them until they exist.`,
  );
}

describe('every actions/*/action.yml, through GitHub’s parser (@actions/workflow-parser)', () => {
  if (present.length)
    it.each(present)('%s parses without error, runs on node24 from dist/index.js', (name) => {
      expect(manifestProblems(readFileSync(manifestPath(name), 'utf8'))).toEqual([]);
      expect(existsSync(join(ROOT, 'actions', name, 'dist', 'index.js'))).toBe(true);
    });

  if (missing.length)
    it.skip.each(missing.map((n) => [n]))('%s: skipped, action.yml does not exist yet', () => undefined);

  it('rejects an expression in a description, an unknown runtime, node20 and another entry point', () => {
    const manifest = (description: string, using: string, main: string) =>
      `name: x\ndescription: y\ninputs:\n  status:\n    description: '${description}'\nruns:\n  using: ${using}\n  main: ${main}\n`;
    expect(manifestProblems(manifest('Use ${{ job.status }}', 'node24', 'dist/index.js'))).toEqual([
      "action.yml (Line: 5, Col: 18): Unrecognized named-value: 'job'",
    ]);
    expect(manifestProblems(manifest('ok', 'node99', 'dist/index.js'))).toEqual([
      "action.yml (Line: 7, Col: 10): Unexpected value 'node99'",
    ]);
    expect(manifestProblems(manifest('ok', 'node20', 'lib/main.js'))).toEqual([
      'runs.using is node20, not node24',
      'runs.main is lib/main.js, not dist/index.js',
    ]);
    expect(manifestProblems(manifest('ok', 'node24', 'dist/index.js'))).toEqual([]);
  });
});
