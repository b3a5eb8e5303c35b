import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// GitHub's own OpenAPI description: the stand-in's bodies must satisfy it, so it cannot drift.
const require = createRequire(import.meta.url);
type Schema = Record<string, unknown>;
interface Response {
  content?: Record<string, { schema: Schema }>;
}
interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Response> };
}
const spec = JSON.parse(
  readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
) as Spec;

/** OpenAPI 3.0's `nullable: true` as plain JSON Schema (ajv's `nullable` needs a sibling `type`). */
const toJsonSchema = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Schema;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, toJsonSchema(v)])) as Schema;
  if (nullable !== true) return out;
  if (typeof out.type === 'string' && !out.$ref) {
    return {
      ...out,
      type: [out.type, 'null'],
      ...(Array.isArray(out.enum) ? { enum: [...out.enum, null] } : {}),
    };
  }
  return { anyOf: [out, { type: 'null' }] };
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Only the schemas the stand-in's responses reach (the whole description is 13 MB).
const needed = new Set<string>();
const collect = (node: unknown): void => {
  if (Array.isArray(node)) return node.forEach(collect);
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      const name = v.replace('#/components/schemas/', '');
      if (!needed.has(name)) {
        needed.add(name);
        collect(spec.components.schemas[name]);
      }
    } else collect(v);
  }
};
const responseSchema = (path: string, method: string, status: string): Schema => {
  let response = spec.paths[path]?.[method]?.responses[status];
  // Error answers are shared: `$ref: #/components/responses/forbidden` and the like.
  const ref = (response as { $ref?: string } | undefined)?.$ref;
  if (ref) response = spec.components.responses[ref.replace('#/components/responses/', '')];
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no schema for ${method} ${path} ${status}`);
  return schema;
};
const validators = new Map<string, ValidateFunction>();
export const validatorFor = (path: string, method: string, status: string) => {
  const key = `${method} ${path} ${status}`;
  let v = validators.get(key);
  if (!v) {
    const schema = responseSchema(path, method, status);
    collect(schema);
    const root = {
      components: {
        schemas: Object.fromEntries([...needed].map((n) => [n, toJsonSchema(spec.components.schemas[n])])),
      },
    };
    // Each compile gets the schemas collected so far under the names the spec's $refs use.
    v = ajv.compile({ ...(toJsonSchema(schema) as Schema), components: root.components });
    validators.set(key, v);
  }
  return v;
};

/** Expects `body` to be what GitHub's description allows for `method specPath` answering `status`. */
export const expectValid = (specPath: string, method: string, status: string, body: unknown): void => {
  const validate = validatorFor(specPath, method, status);
  const ok = validate(body);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
};
