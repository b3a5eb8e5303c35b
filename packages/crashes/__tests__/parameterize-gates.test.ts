import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PARAMETERIZE_STEPS, parameterize } from '../src/parameterize';
import { replaceEmails } from '../src/scrub';

// Each step runs only when its cheap test says its pattern can match; skipping must never change
// the template. Text is built from the pieces the patterns look for, so matches are frequent.
const PIECES = [
  'a',
  'f',
  'x',
  'Z',
  '0',
  '1',
  '7',
  '9',
  ' ',
  '.',
  ':',
  '/',
  '-',
  '#',
  '=',
  ',',
  '"',
  "'",
  '@',
  '_',
  '://',
  'https',
  'com',
  'app.',
  '0x',
  '0X',
  'ms',
  ' seconds',
  'relayoutBoundary=up',
  'Sat, 28 Nov 2026 05:22:07 GMT',
  '2026-11-27T10:00:00Z',
  '10:45',
  '::1',
  'fe80:',
  'deadbeef',
  'ABCDEF',
  'true',
  'false',
  '#e028a',
  'Render',
  '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  'd41d8cd98f00b204e9800998ecf8427e',
  'abcdefabcdefabcdefabcdefabcdefab',
  'é',
  '\n',
  '<num>',
];
const text = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { maxLength: 24 })
  .map((parts) => parts.join(''));

/** The plain path: every step on every message. */
const everyStep = (message: string) =>
  PARAMETERIZE_STEPS.reduce(
    (out, [pattern, placeholder]) => out.replace(pattern, placeholder),
    replaceEmails(message, '<email>'),
  );

describe('parameterize step tests', () => {
  it('never skip a step whose pattern matches', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const [pattern, , canMatch] of PARAMETERIZE_STEPS) {
          pattern.lastIndex = 0;
          if (pattern.test(t)) expect([pattern.source, canMatch(t)]).toEqual([pattern.source, true]);
        }
        for (const [pattern] of PARAMETERIZE_STEPS) pattern.lastIndex = 0;
      }),
      { numRuns: 3000 },
    );
  });

  it('leave every template as running every step makes it', () => {
    fc.assert(
      fc.property(text, (t) => expect(parameterize(t)).toBe(everyStep(t))),
      { numRuns: 3000 },
    );
  });

  it('skip the steps a message cannot match (and only those)', () => {
    const message = 'Null check operator used on a null value';
    expect(PARAMETERIZE_STEPS.filter(([, , canMatch]) => canMatch(message))).toEqual([]);
    const busy = 'GET https://api.mara.app/v1/users/42 took 350ms at 10:45: code=0x1f';
    expect(PARAMETERIZE_STEPS.filter(([, , canMatch]) => !canMatch(busy)).map(([, p]) => p)).toEqual([
      '#<id>',
      'relayoutBoundary=up<num>',
      '<uuid>',
      '<hash>',
      '<date>',
    ]);
  });
});
