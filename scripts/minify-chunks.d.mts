/** Minifies every `*.js` in `dir` except `entry` (ncc's own minified entry), in place. */
export function minifyChunks(dir: string, options?: { entry?: string; sourceMaps?: boolean }): void;
/** Compresses `dir/entry` in place: drops unused code, keeps function and class names. */
export function compressEntry(dir: string, options?: { entry?: string; sourceMaps?: boolean }): void;
/** Makes ncc's per-built-in `createRequire(import.meta.url)` calls share one `require`. */
export function shareRequire(code: string): string;
