// Bundles every action's src/index.ts into its committed dist/ with @vercel/ncc (minified).
// `--no-cache` rebuilds from scratch, as check-dist does.
// ncc's lazy chunks are minified too (scripts/minify-chunks.mjs), so every dist/ stays under the
// 1.5 MB the start-up issue allows, and each action's entry is compressed (unused code dropped).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compressEntry, minifyChunks } from './minify-chunks.mjs';

const noCache = process.argv.includes('--no-cache');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

// Bundles that are not actions: [name, directory, entry file]. Each becomes <dir>/dist/index.js,
// renamed to <entry>.js (crash-intake's server runs as `node packages/crash-intake/dist/server.js`).
const extra = [['crash-intake', join('packages', 'crash-intake'), 'server']];
const targets = [
  ...readdirSync('actions')
    .sort()
    .map((name) => [name, join('actions', name), 'index']),
  ...extra,
];

for (const [name, dir, entry] of targets) {
  if (!existsSync(join(dir, 'src', `${entry}.ts`)) || (only.length && !only.includes(name))) continue;
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const started = Date.now();
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      join(dir, 'src', `${entry}.ts`),
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
  minifyChunks(join(dir, 'dist'));
  // Actions only: their entry is what every run compiles (crash-intake's server starts once).
  if (dir.startsWith('actions')) compressEntry(join(dir, 'dist'));
  if (entry !== 'index') renameSync(join(dir, 'dist', 'index.js'), join(dir, 'dist', `${entry}.js`));
  const size = readdirSync(join(dir, 'dist')).reduce((n, f) => n + statSync(join(dir, 'dist', f)).size, 0);
  console.log(
    `${name}: dist ${(size / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
