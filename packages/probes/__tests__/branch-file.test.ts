import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import { createGitHubClient, type GitHubClient } from '@sre-toolkit/github';
import { createBranch, FileConflictError, readBranchFile, writeBranchFile } from '../src/branch-file';

let gh: GitHubServer;
let client: GitHubClient;
const file = { owner: 'acme', repo: 'mara', branch: 'health-state', path: 'health-probe.json' };

beforeAll(async () => {
  gh = await startGitHubServer();
  client = createGitHubClient({
    token: gh.token,
    baseUrl: gh.url,
    waitUnitMs: 1,
    writeSpacingMs: { write: 0, notifications: 0 },
  });
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => gh.resetLog());

const calls = () => gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`);

describe('a file on a branch through the contents API', () => {
  it('tells a missing branch from a missing file', async () => {
    await expect(readBranchFile(client, file)).resolves.toEqual({ kind: 'missing', branch: false });
    gh.putFile('other.txt', 'x', { branch: 'health-state' });
    await expect(readBranchFile(client, file)).resolves.toEqual({ kind: 'missing', branch: true });
  });

  it('creates a branch from the fallback head when the run commit is unknown to GitHub', async () => {
    await createBranch(client, { ...file, branch: 'state-a' }, { sha: 'f'.repeat(40), fallback: 'main' });
    expect(calls()).toEqual([
      'POST /repos/acme/mara/git/refs 422',
      'GET /repos/acme/mara/git/ref/heads/main 200',
      'POST /repos/acme/mara/git/refs 201',
    ]);
    expect(gh.branches()).toContain('state-a');
    // A branch that already exists (a concurrent run made it) is fine.
    await expect(
      createBranch(client, { ...file, branch: 'state-a' }, { sha: '', fallback: 'main' }),
    ).resolves.toBeUndefined();
  });

  it('writes with the sha it read, and reports a concurrent write as a conflict without retrying it', async () => {
    const created = await writeBranchFile(client, file, { text: '{"n":1}\n', message: 'first' });
    const read = await readBranchFile(client, file);
    expect(read).toEqual({ kind: 'found', text: '{"n":1}\n', sha: created.sha, requests: 1 });
    gh.putFile('health-probe.json', '{"n":2}\n', { branch: 'health-state' });
    gh.resetLog();
    await expect(
      writeBranchFile(client, file, { text: '{"n":3}\n', sha: created.sha, message: 'stale' }),
    ).rejects.toBeInstanceOf(FileConflictError);
    expect(calls()).toEqual(['PUT /repos/acme/mara/contents/health-probe.json 409']);
    // A file that appeared since a read that found none: 422 without a sha, also a conflict.
    await expect(writeBranchFile(client, file, { text: '{}', message: 'blind' })).rejects.toBeInstanceOf(
      FileConflictError,
    );
    expect(gh.file('health-probe.json', { branch: 'health-state' })).toBe('{"n":2}\n');
  });
});
