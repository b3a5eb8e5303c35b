import { describe, expect, it } from '@jest/globals';
import { webhookExamples } from '@sre-toolkit/testkit';
import { toRunInfo } from '../src/workflow-runs';

type RunBody = Parameters<typeof toRunInfo>[0];
const example = webhookExamples().find((e) => e.event === 'workflow_run' && e.payload.action === 'completed');
const body = example?.payload.workflow_run as RunBody;

describe('toRunInfo', () => {
  it("keeps where a run's code came from: the head repository and the run's repository id", () => {
    const run = toRunInfo(body);
    expect(run.id).toBe(1589141559);
    expect(run.headRepository).toEqual({ id: 396980812, fullName: 'octo-org/octo-repo' });
    expect(run.repositoryId).toBe(396980812);
  });

  it("shows a fork pull request's head repository as the fork", () => {
    const run = toRunInfo({
      ...body,
      event: 'pull_request',
      head_repository: { id: 777000777, full_name: 'someone/app' },
    });
    expect(run.event).toBe('pull_request');
    expect(run.headRepository).toEqual({ id: 777000777, fullName: 'someone/app' });
    expect(run.repositoryId).toBe(396980812);
  });

  it('leaves out what the body does not say', () => {
    const bare = { ...body, repository: undefined, head_repository: undefined };
    const run = toRunInfo({ ...bare, head_repository: null });
    expect('headRepository' in run).toBe(false);
    expect('repositoryId' in run).toBe(false);
    expect(toRunInfo({ ...bare, head_repository: { full_name: 'someone/app' } }).headRepository).toEqual({
      fullName: 'someone/app',
    });
  });
});
