import * as core from '@actions/core';
import { appendFileSync } from 'node:fs';
import { formatInputError, type InputError } from './inputs';
import { environmentSecrets } from './secrets';
import { cleanText, inertLog } from './untrusted';

/**
 * Everything an action does to the outside world besides its own requests: inputs, outputs,
 * annotations, masking and the job summary. `run()` takes one, so tests can pass a recording fake.
 */
export interface Runtime {
  readonly env: NodeJS.ProcessEnv;
  input(name: string): string;
  setOutput(name: string, value: string): void;
  /** Masks a value in the runner's logs and in everything this runtime writes. */
  setSecret(value: string): void;
  info(message: string): void;
  warning(message: string, title?: string): void;
  error(message: string, title?: string): void;
  appendSummary(markdown: string): void;
  setFailed(message: string): void;
  now(): Date;
}

export class Secrets {
  private readonly values = new Set<string>();
  add(value: string): void {
    if (value.trim().length >= 4) this.values.add(value);
  }
  redact(text: string): string {
    let out = text;
    // Longest first, so a URL is replaced whole before its token part.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join('***');
    return out;
  }
}

/** The runtime GitHub's runner provides, through @actions/core. */
export function actionsRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const secrets = new Secrets();
  const setSecret = (value: string) => {
    if (!value.trim()) return;
    secrets.add(value);
    core.setSecret(value);
  };
  // Proxy credentials are secrets of every action, whatever its inputs say.
  for (const value of environmentSecrets(env)) setSecret(value);
  return {
    env,
    input: (name) => core.getInput(name),
    // Outputs feed other steps' inputs: no invisible or control characters reach them either.
    setOutput: (name, value) => core.setOutput(name, cleanText(secrets.redact(value))),
    setSecret,
    // core.info prints as it is: a line of outside text must not become a workflow command.
    // (warning and error go through core's own command escaping.)
    info: (m) => core.info(inertLog(secrets.redact(m))),
    warning: (m, title) => core.warning(secrets.redact(m), title ? { title } : {}),
    error: (m, title) => core.error(secrets.redact(m), title ? { title } : {}),
    appendSummary: (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (file) appendFileSync(file, `${secrets.redact(markdown)}\n`);
    },
    setFailed: (m) => core.setFailed(secrets.redact(m)),
    now: () => new Date(),
  };
}

/** One `::error` per bad input, naming the input and the rule; then the step fails. */
export function reportInputErrors(runtime: Runtime, errors: readonly InputError[]): void {
  for (const e of errors) runtime.error(formatInputError(e), `Invalid input: ${e.input}`);
  runtime.setFailed(
    errors.length === 1
      ? 'One input is not valid (see above).'
      : `${errors.length} inputs are not valid (see above).`,
  );
}
