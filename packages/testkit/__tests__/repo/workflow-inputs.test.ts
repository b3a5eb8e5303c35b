import { describe, expect, it } from '@jest/globals';
import {
  actionInterface,
  isObject,
  localActionName,
  stepsOf,
  TOOLKIT_ACTIONS,
  workflows,
} from './repo-files';

/** Every `uses: ./actions/<name>` step of every workflow, with the inputs it passes. */
const uses = workflows().flatMap((w) =>
  stepsOf(w).flatMap((s) => {
    const name = localActionName(s.step.uses);
    return name
      ? [{ where: s.where, name, inputs: Object.keys(isObject(s.step.with) ? s.step.with : {}) }]
      : [];
  }),
);

const pending = TOOLKIT_ACTIONS.filter((a) => !actionInterface(a));
if (pending.length) {
  console.warn(
    `action.yml not written yet for: ${pending.join(', ')} — the inputs their workflow steps pass are not checked until it exists.`,
  );
}

/** The inputs a step passes that the action does not declare, and required ones it leaves out. */
function inputProblems(name: string, passed: readonly string[]): string[] {
  const iface = actionInterface(name);
  if (!iface) return [];
  const unknown = passed
    .filter((i) => !iface.inputs.has(i))
    .map((i) => `passes ${i}, which action.yml does not declare`);
  const missing = [...iface.inputs]
    .filter(([i, spec]) => spec.required && !spec.hasDefault && !passed.includes(i))
    .map(([i]) => `leaves out the required input ${i}`);
  return [...unknown, ...missing];
}

describe('workflows pass only the inputs an action declares', () => {
  it('finds the steps that use the toolkit’s actions', () => {
    expect(new Set(uses.map((u) => u.name)).size).toBe(TOOLKIT_ACTIONS.length);
  });

  const checked = uses.filter((u) => actionInterface(u.name));
  if (checked.length) {
    it.each(checked.map((u) => [u.where, u] as const))('%s', (_w, u) => {
      expect(inputProblems(u.name, u.inputs)).toEqual([]);
    });
  }

  const unchecked = uses.filter((u) => !actionInterface(u.name));
  if (unchecked.length) {
    it.skip.each(unchecked.map((u) => [u.where] as const))(
      '%s: skipped, its action.yml does not exist yet',
      () => undefined,
    );
  }

  it('names an input discord-notify lacks, and one it requires (the check can fail)', () => {
    expect(inputProblems('discord-notify', ['status', 'webhook', 'dry-run'])).toEqual([
      'passes webhook, which action.yml does not declare',
    ]);
  });
});
