import { describe, expect, it } from '@jest/globals';
import { readActionYaml } from '@sre-toolkit/testkit';
import { inputs } from '../src/inputs';

describe('health-probe inputs', () => {
  it('declares exactly the schema inputs in action.yml, with the same defaults', () => {
    const yaml = readActionYaml('health-probe').inputs ?? {};
    expect(Object.keys(yaml).sort()).toEqual(Object.keys(inputs).sort());
    for (const [name, spec] of Object.entries(inputs))
      expect([name, String(yaml[name]?.default ?? '')]).toEqual([name, spec.default]);
  });

  it('keeps the names and defaults the issue asks for', () => {
    expect(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.default]))).toEqual({
      targets: '',
      config: '',
      timeout: '10s',
      retries: '2',
      'retry-delay': '1s',
      concurrency: '10',
      'cert-expiry-days': '14',
      'webhook-url': '',
      'discord-timeout': '30s',
      mention: '',
      issue: 'true',
      'issue-label': 'incident',
      'github-token': '${{ github.token }}',
      'github-timeout': '60s',
      'fail-on-down': 'true',
      'dry-run': 'false',
      'state-branch': 'health-state',
      'failure-threshold': '1',
      'success-threshold': '1',
      'remind-every': '4h',
      'mention-on-reminder': 'false',
      maintenance: '',
      'status-page': '',
      severity: 'auto',
      'runbook-url': '',
      'deploy-environment': 'production',
      'deploy-window': '2h',
    });
  });
});
