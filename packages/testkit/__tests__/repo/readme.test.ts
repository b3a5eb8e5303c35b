import { describe, expect, it } from '@jest/globals';
import { marked, type Tokens } from 'marked';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { actionInterface, actionNames, isObject, readmePath, type ActionInterface } from './repo-files';

interface ReadmeFacts {
  /** Names in backticks in the first column of any table row. */
  readonly tabled: Set<string>;
  /** The same, in tables about inputs (a first header `input…`, or under an `Inputs` heading). */
  readonly inputRows: Set<string>;
  readonly outputRows: Set<string>;
  /** `with:` keys of the YAML examples that use the action. */
  readonly exampleInputs: Array<{ key: string; block: number }>;
  readonly unparsedBlocks: number[];
}

const firstCellName = (text: string) => /^`([^`]+)`/.exec(text.trim())?.[1];

/** Every step (`uses:` with `with:`) anywhere in a parsed YAML example. */
function stepsIn(value: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.flatMap(stepsIn);
  if (!isObject(value)) return [];
  return [...(typeof value.uses === 'string' ? [value] : []), ...Object.values(value).flatMap(stepsIn)];
}

function readmeFacts(markdown: string, action: string): ReadmeFacts {
  const facts: ReadmeFacts = {
    tabled: new Set(),
    inputRows: new Set(),
    outputRows: new Set(),
    exampleInputs: [],
    unparsedBlocks: [],
  };
  let heading = '';
  let block = 0;
  for (const token of marked.lexer(markdown)) {
    if (token.type === 'heading') heading = (token as Tokens.Heading).text;
    if (token.type === 'table') {
      const t = token as Tokens.Table;
      const head = t.header[0]?.text ?? '';
      const kind = /^inputs?\b/i.test(head)
        ? 'input'
        : /^outputs?\b/i.test(head)
          ? 'output'
          : /\binputs?\b/i.test(heading)
            ? 'input'
            : /\boutputs?\b/i.test(heading)
              ? 'output'
              : 'other';
      for (const row of t.rows) {
        const name = firstCellName(row[0]?.text ?? '');
        if (!name) continue;
        facts.tabled.add(name);
        if (kind === 'input') facts.inputRows.add(name);
        if (kind === 'output') facts.outputRows.add(name);
      }
    }
    if (token.type === 'code' && /^ya?ml$/i.test((token as Tokens.Code).lang ?? '')) {
      block++;
      let doc: unknown;
      try {
        doc = parse((token as Tokens.Code).text);
      } catch {
        facts.unparsedBlocks.push(block);
        continue;
      }
      const mine = new RegExp(`(^|/)actions/${action}(@|/?$)`);
      for (const step of stepsIn(doc)) {
        if (!mine.test(String(step.uses))) continue;
        for (const key of Object.keys(isObject(step.with) ? step.with : {}))
          facts.exampleInputs.push({ key, block });
      }
    }
  }
  return facts;
}

/** How a README and its action.yml disagree, in words. */
function disagreements(facts: ReadmeFacts, iface: ActionInterface): string[] {
  const inputs = [...iface.inputs.keys()];
  return [
    ...inputs.filter((i) => !facts.tabled.has(i)).map((i) => `input ${i} is not in a table`),
    ...[...iface.outputs].filter((o) => !facts.tabled.has(o)).map((o) => `output ${o} is not in a table`),
    ...[...facts.inputRows]
      .filter((n) => !iface.inputs.has(n))
      .map((n) => `names input ${n}, which action.yml lacks`),
    ...[...facts.outputRows]
      .filter((n) => !iface.outputs.has(n))
      .map((n) => `names output ${n}, which action.yml lacks`),
    ...facts.exampleInputs
      .filter((e) => !iface.inputs.has(e.key))
      .map((e) => `YAML example ${e.block} passes ${e.key}, which action.yml lacks`),
  ];
}

const names = actionNames();
const ready = names.filter((n) => actionInterface(n) && existsSync(readmePath(n)));
const waiting = names
  .filter((n) => !ready.includes(n))
  .map((n) => [
    n,
    actionInterface(n) ? 'README.md' : existsSync(readmePath(n)) ? 'action.yml' : 'action.yml and README.md',
  ]);
if (waiting.length) {
  console.warn(
    `README check skipped (not written yet): ${waiting.map(([n, what]) => `${n} (no ${what})`).join(', ')}`,
  );
}

describe('each action’s README against its action.yml', () => {
  if (ready.length)
    it.each(ready)('%s: every input and output is in a table, and nothing else is', (name) => {
      const iface = actionInterface(name) as ActionInterface;
      const facts = readmeFacts(readFileSync(readmePath(name), 'utf8'), name);
      expect(disagreements(facts, iface)).toEqual([]);
      if (facts.unparsedBlocks.length) {
        console.warn(
          `${name}/README.md: YAML examples ${facts.unparsedBlocks.join(', ')} do not parse; not checked`,
        );
      }
    });

  if (waiting.length) it.skip.each(waiting)('%s: skipped, no %s yet', () => undefined);

  it('notices a missing input, an output that does not exist and an example passing an unknown input', () => {
    const iface: ActionInterface = {
      inputs: new Map([
        ['webhook-url', { required: false, hasDefault: true }],
        ['status', { required: false, hasDefault: true }],
      ]),
      outputs: new Set(['sent']),
    };
    const md = [
      '## Inputs',
      '',
      '| name | default | description |',
      '| --- | --- | --- |',
      '| `webhook-url` | | where |',
      '| `colour` | | typo |',
      '',
      '| output | description |',
      '| --- | --- |',
      '| `sent` | whether |',
      '| `message-id` | gone |',
      '',
      '```yaml',
      '- uses: OWNER/REPO/actions/discord-notify@v1',
      '  with:',
      '    status: failure',
      '    webhook: x',
      '```',
    ].join('\n');
    expect(disagreements(readmeFacts(md, 'discord-notify'), iface)).toEqual([
      'input status is not in a table',
      'names input colour, which action.yml lacks',
      'names output message-id, which action.yml lacks',
      'YAML example 1 passes webhook, which action.yml lacks',
    ]);
  });
});
