import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import * as core from '@actions/core';

// @actions/core is patched (patches/@actions__core@3.0.1.patch) to draw the output delimiter's
// UUID from /dev/urandom instead of loading node:crypto at start-up: the format must not change.
describe('the GITHUB_OUTPUT delimiter of the patched @actions/core', () => {
  const dir = mkdtempSync(join(tmpdir(), 'delimiter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a fresh random version-4 UUID for every output', () => {
    const file = join(dir, 'output');
    writeFileSync(file, '');
    const before = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    try {
      for (let i = 0; i < 50; i++) core.setOutput(`n${i}`, `line 1\nline ${i}`);
    } finally {
      if (before === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = before;
    }
    const uuid =
      /^n(\d+)<<ghadelimiter_([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/;
    const lines = readFileSync(file, 'utf8').split('\n');
    const delimiters = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const m = uuid.exec(lines[i * 4] ?? '');
      expect(m?.[1]).toBe(String(i));
      expect(lines.slice(i * 4 + 1, i * 4 + 4)).toEqual(['line 1', `line ${i}`, `ghadelimiter_${m?.[2]}`]);
      delimiters.add(m?.[2] ?? '');
    }
    expect(delimiters.size).toBe(50);
  });
});
