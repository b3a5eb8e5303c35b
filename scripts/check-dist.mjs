// Fails when a rebuilt bundle differs from the committed one; `git status --porcelain` so that new
// files (a lazy chunk ncc added) count too, not only modified ones.
import { execFileSync } from 'node:child_process';

const status = execFileSync(
  'git',
  [
    'status',
    '--porcelain',
    '--',
    'actions/*/dist/**',
    'actions/*/dist',
    'packages/crash-intake/dist/**',
    'packages/crash-intake/dist',
  ],
  {
    encoding: 'utf8',
  },
);
if (status.trim()) {
  console.error(`dist/ is stale: rebuild with pnpm bundle and commit the result.\n${status}`);
  process.exit(1);
}
console.log('dist/ matches the sources.');
