import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CORPUS_INVALID_LINES, crashCorpusLines, REPO_ROOT } from '@sre-toolkit/testkit';
import { crashReportJsonSchema } from '../src/crash-report-json-schema';

const committed = join(REPO_ROOT, 'docs', 'crash-report.schema.json');

interface Validator {
  (data: unknown): boolean;
}
// ajv belongs to the test kit; borrow it from there rather than declare a dependency here.
const Ajv2020 = createRequire(join(REPO_ROOT, 'packages', 'testkit', 'package.json'))('ajv/dist/2020')
  .default as new (o: object) => { compile(s: unknown): Validator };
const addFormats = createRequire(join(REPO_ROOT, 'packages', 'testkit', 'package.json'))('ajv-formats')
  .default as (a: unknown) => void;

describe('docs/crash-report.schema.json', () => {
  it('is what packages/crashes/scripts/gen-crash-schema.ts generates from the zod schema (run it after changing report.ts)', () => {
    // Compared as JSON: the script formats the file with prettier, the content is what matters.
    expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual(crashReportJsonSchema());
  });

  it('accepts the app reports of the corpus and rejects the malformed ones, like the zod schema', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(committed, 'utf8')));
    const reports = [...crashCorpusLines({ now: Date.parse('2026-11-28T06:00:00Z'), invalid: false })]
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => !('exception' in r));
    expect(reports.length).toBe(591 - 125);
    expect(reports.filter((r) => !validate(r))).toEqual([]);
    const [, missingType, badSource] = CORPUS_INVALID_LINES.map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return undefined;
      }
    });
    expect([validate(missingType), validate(badSource)]).toEqual([false, false]);
  });
});
