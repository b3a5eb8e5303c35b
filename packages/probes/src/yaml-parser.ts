import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let loaded: Yaml | undefined;

/**
 * The `yaml` library, evaluated on first use: most runs probe plain URLs and never parse YAML, and
 * evaluating the library costs a health-probe run more than any other package it loads (issue #16).
 * In the bundle webpack turns the `require` below into its own (the library stays in the entry
 * file, its modules run only when called); where this runs as an ES module (jest, tsx) Node's
 * `createRequire` loads the same package.
 */
export function yamlParser(): Yaml {
  loaded ??=
    typeof require === 'function'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('yaml') as Yaml)
      : (createRequire(import.meta.url)('yaml') as Yaml);
  return loaded;
}
