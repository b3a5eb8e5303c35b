// ncc minifies only dist/index.js: the chunks it splits off at dynamic imports (the GitHub client,
// @actions/core's OIDC client and its undici) come out as written, several times their minified
// size. This minifies them with the same settings ncc gives terser (mangle, keep class and function
// names, no compression). Used by scripts/bundle.mjs and by the start-up bench's profiled build
// (`sourceMaps: true` carries each chunk's map through, so the profile sees what the dist runs).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minifySync } from '@swc/core';

/** Minifies every `*.js` in `dir` except `entry` (ncc's own minified entry), in place. */
export function minifyChunks(dir, { entry = 'index.js', sourceMaps = false } = {}) {
  for (const file of readdirSync(dir)) {
    if (file === entry || !file.endsWith('.js')) continue;
    const path = join(dir, file);
    const mapPath = `${path}.map`;
    const { code, map } = minifySync(readFileSync(path, 'utf8'), {
      module: true,
      compress: false,
      mangle: { keepClassNames: true, keepFnNames: true },
      format: { comments: false },
      ...(sourceMaps && existsSync(mapPath) ? { sourceMap: { content: readFileSync(mapPath, 'utf8') } } : {}),
    });
    writeFileSync(path, `${code}\n`);
    if (sourceMaps && map) writeFileSync(mapPath, map);
  }
}
