import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGitHubServer, type GitHubServer } from '../src/github-server';
import { expectValid } from './openapi';

type Json = Record<string, unknown> & { id: number; state: string; creator: { login: string } };
let gh: GitHubServer;
const auth = () => ({ authorization: `token ${gh.token}`, accept: 'application/vnd.github+json' });
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${gh.url}${path}`, {
    method,
    headers: { ...auth(), 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json & Json[] };
};

beforeAll(async () => {
  gh = await startGitHubServer();
});
afterAll(async () => {
  await gh.close();
});

describe('GitHub stand-in: deployments', () => {
  it("creates, lists (newest first, by environment) and records statuses, in GitHub's shapes", async () => {
    const created = await call('POST', '/repos/acme/mara/deployments', {
      ref: 'v1.4.2',
      environment: 'production',
      payload: { app: 'mara', version: '1.4.2' },
      created_at: '2026-12-01T10:00:00Z',
    });
    expect(created.status).toBe(201);
    expectValid('/repos/{owner}/{repo}/deployments', 'post', '201', created.body);
    await call('POST', '/repos/acme/mara/deployments', { ref: 'main', environment: 'staging' });
    const status = await call('POST', `/repos/acme/mara/deployments/${String(created.body.id)}/statuses`, {
      state: 'success',
      log_url: 'https://ci.example/412',
    });
    expect(status.status).toBe(201);
    expectValid('/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 'post', '201', status.body);

    const list = await call('GET', '/repos/acme/mara/deployments?environment=production');
    expectValid('/repos/{owner}/{repo}/deployments', 'get', '200', list.body);
    expect(list.body.map((d) => [d.id, d.creator.login])).toEqual([[created.body.id, 'github-actions[bot]']]);
    const statuses = await call('GET', `/repos/acme/mara/deployments/${String(created.body.id)}/statuses`);
    expectValid('/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 'get', '200', statuses.body);
    expect(statuses.body.map((s) => s.state)).toEqual(['success']);
  });

  it('refuses a deployment without ref and a status with an unknown state (422), an unknown id (404)', async () => {
    expect((await call('POST', '/repos/acme/mara/deployments', { environment: 'production' })).status).toBe(
      422,
    );
    const d = await call('POST', '/repos/acme/mara/deployments', { ref: 'main' });
    expect(
      (await call('POST', `/repos/acme/mara/deployments/${String(d.body.id)}/statuses`, { state: 'done' }))
        .status,
    ).toBe(422);
    expect((await call('GET', '/repos/acme/mara/deployments/1/statuses')).status).toBe(404);
  });

  it('answers 403 to deployment writes when the token only reads deployments, and to reads with none', async () => {
    gh.setPermission('deployments', 'read');
    try {
      const refused = await call('POST', '/repos/acme/mara/deployments', { ref: 'main' });
      expect([refused.status, refused.body.message]).toEqual([403, 'Resource not accessible by integration']);
      expect((await call('GET', '/repos/acme/mara/deployments')).status).toBe(200);
      gh.setPermission('deployments', 'none');
      expect((await call('GET', '/repos/acme/mara/deployments')).status).toBe(403);
    } finally {
      gh.setPermission('deployments', 'write');
    }
  });
});
