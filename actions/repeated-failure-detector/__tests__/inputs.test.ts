import { describe, expect, it } from '@jest/globals';
import { parseInputs } from '@sre-toolkit/action';
import { actionYamlDefaults, readActionYaml, schemaDefaults } from '@sre-toolkit/testkit';
import { inputs } from '../src/inputs';

describe('the input schema', () => {
  it('declares the same inputs with the same defaults as action.yml', () => {
    expect(schemaDefaults(inputs)).toEqual(actionYamlDefaults('repeated-failure-detector'));
  });

  it('keeps the interface names of the issue, inputs and outputs', () => {
    expect(Object.keys(inputs)).toEqual([
      'github-token',
      'repository',
      'workflows',
      'branches',
      'threshold',
      'failure-conclusions',
      'lookback',
      'flaky',
      'failure-rate',
      'min-runs',
      'remind-every',
      'webhook-url',
      'mention',
      'discord-timeout',
      'issue',
      'issue-label',
      'dry-run',
      'fail-on-error',
      'github-timeout',
      'stale',
      'stale-after',
      'severity',
      'runbook-url',
      'deploy-environment',
      'deploy-window',
    ]);
    const outputs = (
      readActionYaml('repeated-failure-detector') as unknown as { outputs: Record<string, unknown> }
    ).outputs;
    expect(Object.keys(outputs)).toEqual(['streaks', 'flaky', 'alerted', 'silent', 'report']);
  });

  it('reads defaults as documented', () => {
    const parsed = parseInputs(inputs, (name) => (name === 'github-token' ? 'ghs_x' : ''));
    expect(parsed.ok && parsed.value).toMatchObject({
      threshold: 3,
      'failure-conclusions': ['failure', 'timed_out', 'startup_failure'],
      lookback: 14 * 86_400_000,
      flaky: true,
      'failure-rate': undefined,
      'min-runs': 10,
      'remind-every': undefined,
      issue: true,
      'issue-label': 'repeated-failure',
      workflows: [],
      branches: [],
      stale: true,
      'stale-after': 3,
      severity: 'auto',
      'runbook-url': '',
      'deploy-environment': 'production',
      'deploy-window': 2 * 3_600_000,
    });
  });

  it('refuses a stale-after below 1, naming the input and the rule', () => {
    const parsed = parseInputs(inputs, (name) =>
      name === 'github-token' ? 'x' : name === 'stale-after' ? '0.5' : '',
    );
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      { input: 'stale-after', message: 'must be a number from 1 to 100, got "0.5"' },
    ]);
  });

  it('keeps workflow names with commas whole, one per line', () => {
    const parsed = parseInputs(inputs, (name) =>
      name === 'github-token' ? 'x' : name === 'workflows' ? 'Build, test and deploy\nci.yml\n' : '',
    );
    expect(parsed.ok && parsed.value.workflows).toEqual(['Build, test and deploy', 'ci.yml']);
  });

  it('rejects * mixed with branch names', () => {
    const parsed = parseInputs(inputs, (name) =>
      name === 'github-token' ? 'x' : name === 'branches' ? 'main, *' : '',
    );
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      { input: 'branches', message: 'is either * (every branch) or a list of branch names, not both' },
    ]);
  });
});
