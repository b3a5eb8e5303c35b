import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@sre-toolkit/testkit';
import { shareRequire } from '../../../scripts/minify-chunks.mjs';

// The bundle step that makes ncc's per-built-in createRequire calls share one require
// (scripts/minify-chunks.mjs, used for every action's entry).
const ncc = [
  'let e;import{createRequire as w}from"module";var x={',
  '1:e=>{e.exports=w(import.meta.url)("node:path")},',
  '2:e=>{e.exports=w(import.meta.url)("node:os")},',
  '3:e=>{e.exports=xw(import.meta.url)}};function xw(u){return u.slice(0,8)}',
  'const r=i=>{let m={exports:{}};x[i](m);return m.exports};',
  'console.log([r(1).sep,r(2).EOL===`\\n`,r(3)].join(" "))',
].join('\n');

describe('shareRequire', () => {
  it('keeps every line and column of the text outside the calls it shortens', () => {
    const shared = shareRequire(ncc);
    const body = shared.slice(0, ncc.length);
    expect(body.split('\n').map((l) => l.length)).toEqual(ncc.split('\n').map((l) => l.length));
    expect(body.replaceAll('__nccRequire      ', 'w(import.meta.url)')).toBe(ncc);
    // Another name ending in the alias is not a call to it.
    expect(body).toContain('e.exports=xw(import.meta.url)');
    expect(shared.match(/\(import\.meta\.url\)/g)).toHaveLength(2);
  });

  it('loads the same built-ins as before, through one createRequire', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shared-require-'));
    try {
      const run = (code: string) => {
        writeFileSync(join(dir, 'entry.mjs'), code);
        return execFileSync(process.execPath, [join(dir, 'entry.mjs')], { encoding: 'utf8' });
      };
      expect(run(shareRequire(ncc))).toBe('/ true file:///\n');
      expect(run(shareRequire(ncc))).toBe(run(ncc));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a text without the import as it is', () => {
    const text = 'e.exports=w(import.meta.url)("node:os")';
    expect(shareRequire(text)).toBe(text);
  });

  it.each(['discord-notify', 'health-probe', 'repeated-failure-detector', 'crash-digest'])(
    "is applied to %s's committed entry: no built-in makes its own require",
    (action) => {
      const entry = readFileSync(join(REPO_ROOT, 'actions', action, 'dist', 'index.js'), 'utf8');
      expect(entry).toContain('function __nccRequire(');
      expect(entry).not.toMatch(/exports=[\w$]+\(import\.meta\.url\)\("/);
    },
  );
});
