/**
 * Records the plain checks do not pass, for the grouper tests: ones only the zod schemas decide
 * (to accept or to reject) and ones rejected before them.
 */
export const UNUSUAL_RECORDS: readonly string[] = [
  '{"type":"StateError","message":"m","stackTrace":"","fatal":"yes"}',
  '{"exception":{"values":[]},"timestamp":1}',
  '[1,2]',
  'not json',
  JSON.stringify({ exception: { values: [{ type: 'E', value: 'v' }] }, timestamp: -5 }),
];
