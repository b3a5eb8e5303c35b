import { describe, expect, it } from '@jest/globals';
import { keepDeploySentence } from '../src/incident-writer';

const DEPLOY =
  'This incident began 12 min after **mara 1.4.2** reached production (deploy #\u2060412 by @\u2060octocat, commit abc1234).';

describe('keepDeploySentence', () => {
  it('carries the deploy paragraph the issue opened with into a rewritten body', () => {
    expect(keepDeploySentence(`3 failures in a row.\n\n${DEPLOY}\n`, '4 failures in a row.')).toBe(
      `4 failures in a row.\n\n${DEPLOY}`,
    );
  });

  it('adds it once, and nothing when the issue had none', () => {
    expect(keepDeploySentence(`3 failures.\n\n${DEPLOY}`, `4 failures.\n\n${DEPLOY}`)).toBe(
      `4 failures.\n\n${DEPLOY}`,
    );
    expect(keepDeploySentence('3 failures.', '4 failures.')).toBe('4 failures.');
    // A sentence quoted inside the body (not its last paragraph) is not a deploy record.
    expect(keepDeploySentence(`${DEPLOY}\n\n3 failures.`, '4 failures.')).toBe('4 failures.');
  });
});
