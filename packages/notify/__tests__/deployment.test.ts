import { describe, expect, it } from '@jest/globals';
import {
  type DeploymentInputs,
  DEPLOYMENT_RULE,
  deploymentProblems,
  parseDeployment,
} from '../src/deployment';

const base: DeploymentInputs = {
  deployment: 'create',
  'environment-url': '',
  'github-token': 'ghs_x',
  status: 'success',
  template: 'auto',
  environment: 'production',
  version: '1.4.2',
  timeout: 30_000,
};

describe('parseDeployment', () => {
  it('reads off, create and a deployment id', () => {
    expect(parseDeployment('')).toEqual({ value: undefined });
    expect(parseDeployment('false')).toEqual({ value: undefined });
    expect(parseDeployment(' Create ')).toEqual({ value: 'create' });
    expect(parseDeployment('1200000007')).toEqual({ value: 1200000007 });
  });

  it('refuses anything else with the rule', () => {
    for (const bad of ['true', 'yes', '0', '-3', '12a', '${{ steps.x.outputs.deployment-id }}'])
      expect(parseDeployment(bad)).toEqual({ error: DEPLOYMENT_RULE });
  });
});

describe('deploymentProblems', () => {
  it('has none for a deploy notification with an environment and a token, nor when off', () => {
    expect(deploymentProblems(base)).toEqual([]);
    expect(deploymentProblems({ ...base, deployment: 42, environment: '', template: 'deploy' })).toEqual([]);
    expect(
      deploymentProblems({ ...base, deployment: undefined, template: 'ci', 'github-token': '' }),
    ).toEqual([]);
  });

  it('names the template, the missing environment and the missing token', () => {
    expect(
      deploymentProblems({
        ...base,
        template: 'ci',
        environment: '',
        version: '',
        'github-token': '${{ github.token }}',
      }),
    ).toEqual([
      {
        input: 'deployment',
        message:
          'records a deploy: use it on a deploy notification (template deploy, or environment and version set), not the ci template',
      },
      { input: 'environment', message: 'names the environment deployment: create records (e.g. production)' },
      {
        input: 'github-token',
        message:
          'is needed to record the deployment: pass a token with deployments: write (default github.token)',
      },
    ]);
  });
});
