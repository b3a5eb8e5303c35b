// Writes docs/crash-report.schema.json from the zod schema:
//   npx tsx packages/crashes/scripts/gen-crash-schema.ts
// A unit test (packages/crashes/__tests__/schema.test.ts) fails when the committed file differs.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { crashReportJsonSchema } from '../src/crash-report-json-schema';

const target = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'docs',
  'crash-report.schema.json',
);
// Formatted like the rest of the repository, so `prettier --check .` stays green.
writeFileSync(
  target,
  await format(JSON.stringify(crashReportJsonSchema()), { parser: 'json', filepath: target }),
);
console.log(`wrote ${target}`);
