// Waits that would overflow Node's timers (which then fire at once) or outlive the job are refused
// as inputs, in every action, with an error naming the input and the limit.
import { describe, expect, it } from '@jest/globals';
import { runAction } from '../src/runner';

const cases: [string, string, string][] = [
  ['discord-notify', 'timeout', '99999999d'],
  ['health-probe', 'timeout', '30000d'],
  ['health-probe', 'retry-delay', '30d'],
  ['health-probe', 'github-timeout', '7h'],
  ['health-probe', 'discord-timeout', '1000d'],
  ['repeated-failure-detector', 'github-timeout', '99999999d'],
  ['repeated-failure-detector', 'discord-timeout', '2d'],
  ['crash-digest', 'source-timeout', '30d'],
  ['crash-digest', 'discord-timeout', '99999999d'],
];

describe('over-large durations, through the bundles', () => {
  it.each(cases)('%s refuses %s: %s', async (action, input, value) => {
    const run = await runAction(action, {
      inputs: {
        [input]: value,
        'dry-run': 'true',
        targets: 'http://127.0.0.1:9/health',
        source: 'none.ndjson',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toContain(
      `Input "${input}" must be at most 6h, got "${value}"`,
    );
  });
});

describe('inherited property names are no input values', () => {
  it.each(['__proto__', 'constructor', 'toString'])('discord-notify refuses color: %s', async (color) => {
    const run = await runAction('discord-notify', { inputs: { 'dry-run': 'true', color } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toMatch(/^Input "color" must be a colour name/);
  });
});
