/** Minifies every `*.js` in `dir` except `entry` (ncc's own minified entry), in place. */
export function minifyChunks(dir: string, options?: { entry?: string; sourceMaps?: boolean }): void;
