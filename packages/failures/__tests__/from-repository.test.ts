import { describe, expect, it } from '@jest/globals';
import { fromRepository } from '../src/runs';
import { run } from './runs';

const at = '2026-11-20T00:00:00Z';

describe('fromRepository', () => {
  it('counts a run whose head repository has the repository id, even under a new name', () => {
    const r = run(1, 'failure', at, { headRepository: { id: 7, fullName: 'acme/renamed' }, repositoryId: 7 });
    expect(fromRepository(r, 'acme/mara')).toBe(true);
  });

  it("leaves out a fork's pull request run on head_branch main", () => {
    const r = run(1, 'failure', at, {
      event: 'pull_request',
      headRepository: { id: 8, fullName: 'someone/app' },
      repositoryId: 7,
    });
    expect(fromRepository(r, 'acme/mara')).toBe(false);
  });

  it('compares names, case-insensitively, when an id is missing', () => {
    expect(fromRepository(run(1, null, at, { headRepository: { fullName: 'Acme/Mara' } }), 'acme/mara')).toBe(
      true,
    );
    expect(
      fromRepository(run(1, null, at, { headRepository: { fullName: 'someone/app' } }), 'acme/mara'),
    ).toBe(false);
  });

  it('without a head repository, counts every run but a pull request one', () => {
    expect(fromRepository(run(1, null, at, { event: 'push' }), 'acme/mara')).toBe(true);
    expect(fromRepository(run(1, null, at, { event: 'pull_request_target' }), 'acme/mara')).toBe(false);
  });
});
