import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** GitHub's own example payload for every webhook event (@octokit/webhooks-examples). */
export function webhookExamples(): { event: string; payload: Record<string, unknown> }[] {
  const file = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const all = JSON.parse(readFileSync(file, 'utf8')) as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  return all.flatMap((e) => e.examples.map((payload) => ({ event: e.name, payload })));
}

/** Text a fork's author controls, with a ping, a role ping, a masked link and a heading planted in it. */
export const PLANTED = ' @everyone @here <@&123456789> [click](https://evil.example) # heading';
const PLANTED_KEYS = new Set([
  'title',
  'body',
  'message',
  'name',
  'description',
  'ref',
  'login',
  'tag_name',
  'head_branch',
  'display_title',
  'head_ref',
]);

/** Appends PLANTED to every attacker-controllable text field of a payload. */
export function plant<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plant) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        typeof v === 'string' && PLANTED_KEYS.has(k) ? v + PLANTED : plant(v),
      ]),
    ) as T;
  }
  return value;
}
