// What the repository-level checks read: the workflows, the actions' manifests and READMEs, parsed
// once with `yaml` (YAML 1.2, so `on:` stays a string key).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The four actions the toolkit ships; a workflow must use each of them. */
export const TOOLKIT_ACTIONS = [
  'crash-digest',
  'discord-notify',
  'health-probe',
  'repeated-failure-detector',
] as const;

export type Yaml = Record<string, unknown>;

export const isObject = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Workflow {
  readonly file: string;
  readonly path: string;
  readonly text: string;
  readonly doc: Yaml;
}

export function workflowFiles(root = ROOT): string[] {
  const dir = join(root, '.github', 'workflows');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function loadWorkflow(path: string): Workflow {
  const text = readFileSync(path, 'utf8');
  const doc: unknown = parse(text);
  if (!isObject(doc)) throw new Error(`${path} is not a YAML mapping`);
  return { file: path.slice(path.lastIndexOf('/') + 1), path, text, doc };
}

export const workflows = (root = ROOT): Workflow[] => workflowFiles(root).map(loadWorkflow);

/** One `uses:` or `run:` place in a workflow: a step, or a job that calls a reusable workflow. */
export interface StepRef {
  readonly where: string;
  readonly job: string;
  readonly step: Yaml;
  /** True for a job-level `uses:` (a reusable workflow call). */
  readonly isJob: boolean;
}

export function stepsOf(w: Workflow): StepRef[] {
  const jobs = isObject(w.doc.jobs) ? w.doc.jobs : {};
  const refs: StepRef[] = [];
  for (const [id, job] of Object.entries(jobs)) {
    if (!isObject(job)) continue;
    if (typeof job.uses === 'string')
      refs.push({ where: `${w.file} › ${id}`, job: id, step: job, isJob: true });
    const steps = Array.isArray(job.steps) ? job.steps : [];
    steps.forEach((s, i) => {
      if (!isObject(s)) return;
      const name =
        typeof s.name === 'string' ? s.name : typeof s.uses === 'string' ? s.uses : `step ${i + 1}`;
      refs.push({ where: `${w.file} › ${id} › ${name}`, job: id, step: s, isJob: false });
    });
  }
  return refs;
}

/**
 * `./actions/<name>` → `<name>`; also `./<dir>/actions/<name>`, the toolkit checked out into a
 * folder (the reusable deploy-notify workflow); anything else → undefined.
 */
export function localActionName(uses: unknown): string | undefined {
  return typeof uses === 'string' ? /^\.\/(?:[\w.-]+\/)?actions\/([\w-]+)\/?$/.exec(uses)?.[1] : undefined;
}

export function actionNames(root = ROOT): string[] {
  const dir = join(root, 'actions');
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort();
}

/** Every file of actions/<name>/dist/, sub-directories included; none while it is not built. */
export function distFiles(name: string, root = ROOT): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  const dist = join(root, 'actions', name, 'dist');
  return existsSync(dist) ? walk(dist) : [];
}

export interface ActionInterface {
  readonly inputs: Map<string, { required: boolean; hasDefault: boolean }>;
  readonly outputs: Set<string>;
}

export const manifestPath = (name: string, root = ROOT) => join(root, 'actions', name, 'action.yml');
export const readmePath = (name: string, root = ROOT) => join(root, 'actions', name, 'README.md');

/** The declared inputs and outputs of actions/<name>/action.yml, or undefined while it does not exist. */
export function actionInterface(name: string, root = ROOT): ActionInterface | undefined {
  const path = manifestPath(name, root);
  if (!existsSync(path)) return undefined;
  const doc: unknown = parse(readFileSync(path, 'utf8'));
  if (!isObject(doc)) throw new Error(`${path} is not a YAML mapping`);
  const inputs = new Map<string, { required: boolean; hasDefault: boolean }>();
  for (const [k, v] of Object.entries(isObject(doc.inputs) ? doc.inputs : {})) {
    const spec = isObject(v) ? v : {};
    inputs.set(k, { required: spec.required === true, hasDefault: spec.default !== undefined });
  }
  return { inputs, outputs: new Set(Object.keys(isObject(doc.outputs) ? doc.outputs : {})) };
}

/** Every string in a YAML value, with its path, for scanning `with:`/`env:` maps. */
export function stringsIn(value: unknown, path = ''): Array<{ path: string; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, `${path}[${i}]`));
  if (isObject(value))
    return Object.entries(value).flatMap(([k, v]) => stringsIn(v, path ? `${path}.${k}` : k));
  return [];
}
