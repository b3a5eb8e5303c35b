// Bundles every action's src/index.ts into its committed dist/ with @vercel/ncc (minified).
// `--no-cache` rebuilds from scratch, as check-dist does.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const noCache = process.argv.includes('--no-cache');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

for (const name of readdirSync('actions').sort()) {
  const dir = join('actions', name);
  if (!existsSync(join(dir, 'src', 'index.ts')) || (only.length && !only.includes(name))) continue;
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const started = Date.now();
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      join(dir, 'src', 'index.ts'),
      '-o',
      join(dir, 'dist'),
      '--minify',
      '--target',
      'es2022',
      '--quiet',
      ...(noCache ? ['--no-cache'] : []),
    ],
    { stdio: 'inherit' },
  );
  const size = readdirSync(join(dir, 'dist')).reduce((n, f) => n + statSync(join(dir, 'dist', f)).size, 0);
  console.log(
    `${name}: dist ${(size / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
