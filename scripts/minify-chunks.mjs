// ncc minifies only dist/index.js: the chunks it splits off at dynamic imports (the GitHub client,
// @actions/core's OIDC client and its undici) come out as written, several times their minified
// size. This minifies them with the same settings ncc gives terser (mangle, keep class and function
// names, no compression). Used by scripts/bundle.mjs and by the start-up bench's profiled build
// (`sourceMaps: true` carries each chunk's map through, so the profile sees what the dist runs).
//
// `compressEntry` then compresses an action's entry (dead-code elimination): ncc's terser pass does
// not compress, so every ES module webpack concatenates into the entry stays whole, used or not:
// all of zod's core schemas (~110 KiB) where an action uses a few. Only unused code goes (zod marks
// its schema constructors `/*@__PURE__*/`); names of functions and classes are kept, and nothing
// `unsafe` is enabled. The entry is what Node compiles on every run, so its size is start-up time.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minifySync } from '@swc/core';

const mangle = { keepClassNames: true, keepFnNames: true };

/** Minifies every `*.js` in `dir` except `entry` (ncc's own minified entry), in place. */
export function minifyChunks(dir, { entry = 'index.js', sourceMaps = false } = {}) {
  for (const file of readdirSync(dir)) {
    if (file === entry || !file.endsWith('.js')) continue;
    minifyFile(join(dir, file), { compress: false, mangle }, sourceMaps);
  }
}

/** Compresses `dir/entry` in place: drops unused code, keeps function and class names. */
export function compressEntry(dir, { entry = 'index.js', sourceMaps = false } = {}) {
  minifyFile(
    join(dir, entry),
    { compress: { keep_fnames: true, keep_classnames: true, passes: 2 }, mangle },
    sourceMaps,
    shareRequire,
  );
}

/**
 * ncc loads each Node built-in as `e.exports=w(import.meta.url)("http")`: a new `createRequire` per
 * built-in, each resolving the file URL to a path again (~50 µs each, ~0.7 ms for the 15 a run loads).
 * This makes them share one `require`, made on first use. The calls are padded to their old length
 * and the function goes after the last line, so the source map of the text stays exact.
 */
export function shareRequire(code) {
  const alias = /import\{createRequire as ([\w$]+)\}from"module"/.exec(code)?.[1];
  if (!alias) return code;
  const call = `${alias}(import.meta.url)`;
  const calls = new RegExp(`(?<![\\w$.])${alias.replaceAll('$', '\\$')}\\(import\\.meta\\.url\\)`, 'g');
  const shared = code.replace(calls, () => '__nccRequire'.padEnd(call.length));
  if (shared === code) return code;
  return `${shared}\nvar __nccRequireOnce;function __nccRequire(id){return(__nccRequireOnce??=${call})(id)}\n`;
}

function minifyFile(path, options, sourceMaps, prepare = (code) => code) {
  const mapPath = `${path}.map`;
  const { code, map } = minifySync(prepare(readFileSync(path, 'utf8')), {
    module: true,
    ...options,
    format: { comments: false },
    ...(sourceMaps && existsSync(mapPath) ? { sourceMap: { content: readFileSync(mapPath, 'utf8') } } : {}),
  });
  writeFileSync(path, `${code}\n`);
  if (sourceMaps && map) writeFileSync(mapPath, map);
}
