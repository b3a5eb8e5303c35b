import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHub } from '@actions/github/lib/utils';
import { startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import { createGitHubClient, testWriteSpacing } from '../src/client';
import { ROUTES } from '../src/routes';

let gh: GitHubServer;
beforeAll(async () => {
  gh = await startGitHubServer({ workflows: [{ name: 'frontend-ci', path: 'frontend-ci.yml' }] });
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => gh.resetLog());

describe('the light client', () => {
  it('names every route as @octokit/plugin-rest-endpoint-methods does', () => {
    // @actions/github's octokit carries the plugin's full endpoint map: each method's endpoint
    // defaults are its route.
    const full = new GitHub({}) as unknown as {
      rest: Record<string, Record<string, { endpoint: { DEFAULTS: { method: string; url: string } } }>>;
    };
    const checked: string[] = [];
    for (const [ns, methods] of Object.entries(ROUTES)) {
      for (const [name, route] of Object.entries(methods)) {
        const defaults = full.rest[ns]?.[name]?.endpoint.DEFAULTS;
        expect(`${ns}.${name} ${defaults?.method} ${defaults?.url}`).toBe(`${ns}.${name} ${route}`);
        checked.push(`${ns}.${name}`);
      }
    }
    expect(checked).toHaveLength(24);
  });

  it('makes no request until a method is called, then runs hooks registered before it', async () => {
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, env: {} });
    const seen: string[] = [];
    client.hook.before('request', (options) => void seen.push(`${options.method} ${options.url}`));
    expect(gh.requests).toHaveLength(0);
    const { data } = await client.rest.issues.create({ owner: 'acme', repo: 'mara', title: 'Down: api' });
    expect(data.title).toBe('Down: api');
    expect(seen).toEqual(['POST /repos/{owner}/{repo}/issues']);
    // A hook added after loading counts too.
    client.hook.after('request', (response) => void seen.push(`after ${response.status}`));
    await client.rest.issues.get({ owner: 'acme', repo: 'mara', issue_number: data.number });
    expect(seen).toEqual([
      'POST /repos/{owner}/{repo}/issues',
      'GET /repos/{owner}/{repo}/issues/{issue_number}',
      'after 200',
    ]);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/mara/issues',
      `GET /repos/acme/mara/issues/${data.number}`,
    ]);
  });

  it('paginates a rest method by following Link, and stops early with the iterator', async () => {
    for (let i = 0; i < 5; i++) gh.addRun({ workflow: 'frontend-ci', conclusion: 'success' });
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, env: {} });
    const params = { owner: 'acme', repo: 'mara', workflow_id: 'frontend-ci.yml', per_page: 2 };
    const all = await client.paginate(client.rest.actions.listWorkflowRuns, params);
    expect(all).toHaveLength(5);
    expect(gh.requests).toHaveLength(3);
    gh.resetLog();
    const firstPages: number[] = [];
    for await (const page of client.paginate.iterator(client.rest.actions.listWorkflowRuns, params)) {
      firstPages.push(page.data.length);
      break;
    }
    expect(firstPages).toEqual([2]);
    expect(gh.requests).toHaveLength(1);
  });

  it('answers a GraphQL query', async () => {
    const client = createGitHubClient({ token: gh.token, baseUrl: gh.url, env: {} });
    const error = await client.graphql('query { viewer { login } }').catch((e: unknown) => e);
    // The stand-in has no GraphQL endpoint: the request reached it and its 404 came back.
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /graphql 404']);
    expect((error as { status?: number }).status).toBe(404);
  });
});

describe('SRE_TOOLKIT_TEST_GITHUB_WRITE_SPACING_MS (test-only)', () => {
  it('sets both write spacings from whole milliseconds', () => {
    expect(testWriteSpacing({ SRE_TOOLKIT_TEST_GITHUB_WRITE_SPACING_MS: '0' })).toEqual({
      write: 0,
      notifications: 0,
    });
    expect(testWriteSpacing({ SRE_TOOLKIT_TEST_GITHUB_WRITE_SPACING_MS: ' 250 ' })).toEqual({
      write: 250,
      notifications: 250,
    });
  });

  it("keeps the throttling plugin's own spacing when unset or not a number", () => {
    for (const value of [undefined, '', '-1', '1e3', '0.5', 'fast', '9999999'])
      expect(testWriteSpacing({ SRE_TOOLKIT_TEST_GITHUB_WRITE_SPACING_MS: value })).toBeUndefined();
  });
});
