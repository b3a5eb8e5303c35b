import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { corpusPersonalData, corpusSecrets, crashCorpusLines } from '../../src/crash-corpus';
import { FIXTURE_MARKER } from '../../src/fixture-marker';
import { actionNames, distFiles, ROOT } from './repo-files';

/** Strings only test data holds: the test kit's marker, and the prefix of the corpus's fake live keys. */
const FIXTURE_STRINGS = [FIXTURE_MARKER, 'sk_live_'];

/** `path: string` for each fixture string found in a file of an action's dist/. */
function fixturesInDist(root = ROOT): string[] {
  return actionNames(root).flatMap((name) =>
    distFiles(name, root).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return FIXTURE_STRINGS.filter((s) => text.includes(s)).map((s) => `${relative(root, file)}: ${s}`);
    }),
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'dist-fixtures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('test data stays out of the production bundles', () => {
  it('finds no fixture marker and no sk_live_ key in any file of actions/*/dist/', () => {
    // Guards against a vacuous pass: every action ships at least its dist/index.js.
    for (const name of actionNames())
      expect(distFiles(name)).toContain(join(ROOT, 'actions', name, 'dist', 'index.js'));
    expect(fixturesInDist()).toEqual([]);
  });

  it('names the dist file and the string when a bundle holds test data', () => {
    const dist = join(scratch, 'actions', 'leaky', 'dist');
    mkdirSync(join(dist, 'chunks'), { recursive: true });
    writeFileSync(join(dist, 'index.js'), 'module.exports = 1;');
    writeFileSync(
      join(dist, 'chunks', '12.index.js'),
      `const who = ${JSON.stringify(corpusSecrets(3).email)};`,
    );
    writeFileSync(join(dist, 'chunks', '34.index.js'), 'const key = "sk_live_abc";');
    expect(fixturesInDist(scratch)).toEqual([
      `actions/leaky/dist/chunks/12.index.js: ${FIXTURE_MARKER}`,
      'actions/leaky/dist/chunks/34.index.js: sk_live_',
    ]);
  });

  it('the crash corpus carries the marker in its data, not only in a constant', () => {
    const text = [...crashCorpusLines({ now: Date.parse('2026-11-28T06:00:00Z') })].join('\n');
    expect(text).toContain(FIXTURE_MARKER);
    expect(text).toContain('sk_live_');
    expect(corpusPersonalData({ now: 0 }).filter((s) => s.includes(FIXTURE_MARKER))).toHaveLength(60 + 10);
  });
});
