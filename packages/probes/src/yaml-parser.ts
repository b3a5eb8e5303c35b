type Yaml = typeof import('yaml');
let loaded: Yaml | undefined;

/**
 * The `yaml` library, loaded by `loadYaml()` beforehand. Most runs probe plain URLs and never parse
 * YAML: in the bundle the library is a lazy chunk (its ~115 KiB are not even compiled on such a
 * run, issue #16), so the parsers that are synchronous (input rules, `parseTargets`) take it from
 * here once `loadYaml()` (or `loadYamlFor()`, in targets.ts) has run. Used before that, it throws: a missed
 * `await loadYaml()` fails loudly instead of misreading a text.
 */
export function yamlParser(): Yaml {
  if (!loaded) throw new Error('the YAML parser was used before loadYaml() loaded it');
  return loaded;
}

/** Loads the `yaml` library (once; webpack puts it in a chunk of its own). */
export async function loadYaml(): Promise<Yaml> {
  loaded ??= await import('yaml');
  return loaded;
}
