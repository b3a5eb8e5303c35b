import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import * as core from '@actions/core';

// @actions/core is patched (patches/@actions__core@3.0.1.patch) so that its summary reads fs.promises
// on first use, not at load: in a bundle, reading it loads node:fs/promises and readline every run.
describe('the job summary of the patched @actions/core', () => {
  const dir = mkdtempSync(join(tmpdir(), 'summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends, then overwrites, the GITHUB_STEP_SUMMARY file as before', async () => {
    const file = join(dir, 'summary');
    writeFileSync(file, 'earlier step\n');
    const before = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = file;
    try {
      await core.summary.addHeading('Probe', 2).addRaw('3 up', true).write();
      expect(readFileSync(file, 'utf8')).toBe('earlier step\n<h2>Probe</h2>\n3 up\n');
      await core.summary.addRaw('only this').write({ overwrite: true });
      expect(readFileSync(file, 'utf8')).toBe('only this');
    } finally {
      if (before === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = before;
    }
  });
});
