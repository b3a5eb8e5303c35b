import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { blobSha } from '../src/github-contents-routes';
import { startGitHubServer, type GitHubServer } from '../src/github-server';
import { expectValid } from './openapi';

let gh: GitHubServer;
const auth = () => ({ authorization: `token ${gh.token}`, accept: 'application/vnd.github+json' });
const get = async (path: string, headers: Record<string, string> = auth()) => {
  const res = await fetch(`${gh.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
};
const send = async (method: string, path: string, body: unknown) => {
  const res = await fetch(`${gh.url}${path}`, {
    method,
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
};

let ci: number;
let flakyRun: number;
beforeAll(async () => {
  gh = await startGitHubServer({ workflows: [{ name: 'CI', path: 'ci.yml' }, { name: 'Nightly' }] });
  ci = gh.workflow('CI').id;
  const base = Date.parse('2026-11-01T00:00:00Z');
  for (let i = 0; i < 150; i++)
    gh.addRun({
      workflow: 'CI',
      conclusion: i % 3 === 0 ? 'failure' : 'success',
      createdAt: new Date(base + i * 3_600_000),
      jobs: [
        {
          name: 'test',
          steps: ['Checkout', { name: 'Run tests', conclusion: i % 3 === 0 ? 'failure' : 'success' }],
        },
      ],
    });
  gh.addRun({
    workflow: 'CI',
    branch: 'feature/x',
    conclusion: 'failure',
    createdAt: '2026-11-10T00:00:00Z',
  });
  gh.addRun({
    workflow: 'Nightly',
    event: 'schedule',
    conclusion: 'timed_out',
    createdAt: '2026-11-10T00:00:00Z',
  });
  flakyRun = gh.addRun({
    workflow: 'CI',
    conclusion: 'success',
    previousAttempts: ['failure'],
    createdAt: '2026-11-20T00:00:00Z',
  }).id;
});
afterAll(async () => {
  await gh.close();
});

describe('GitHub stand-in responses match the OpenAPI description', () => {
  it('GET a repository', async () => {
    const r = await get('/repos/acme/mara');
    expect(r.status).toBe(200);
    expectValid('/repos/{owner}/{repo}', 'get', '200', r.body);
    expect((r.body as { default_branch: string }).default_branch).toBe('main');
  });

  it('lists workflows and gets one by file name', async () => {
    const r = await get('/repos/acme/mara/actions/workflows');
    expectValid('/repos/{owner}/{repo}/actions/workflows', 'get', '200', r.body);
    expect((r.body as { total_count: number }).total_count).toBe(2);
    const one = await get('/repos/acme/mara/actions/workflows/ci.yml');
    expectValid('/repos/{owner}/{repo}/actions/workflows/{workflow_id}', 'get', '200', one.body);
    expect((one.body as { id: number }).id).toBe(ci);
  });

  it('lists runs of a workflow, newest first, with Link pagination', async () => {
    const r = await get(`/repos/acme/mara/actions/workflows/${ci}/runs?branch=main&per_page=100`);
    expectValid('/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', 'get', '200', r.body);
    const body = r.body as { total_count: number; workflow_runs: { id: number; created_at: string }[] };
    expect(body.total_count).toBe(151);
    expect(body.workflow_runs).toHaveLength(100);
    expect(body.workflow_runs[0]?.id).toBe(flakyRun);
    const times = body.workflow_runs.map((w) => w.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(r.headers.get('link')).toBe(
      `<${gh.url}/repos/acme/mara/actions/workflows/${ci}/runs?branch=main&per_page=100&page=2>; rel="next", ` +
        `<${gh.url}/repos/acme/mara/actions/workflows/${ci}/runs?branch=main&per_page=100&page=2>; rel="last"`,
    );
    const page2 = await get(`/repos/acme/mara/actions/workflows/${ci}/runs?branch=main&per_page=100&page=2`);
    expect((page2.body as { workflow_runs: unknown[] }).workflow_runs).toHaveLength(51);
    expect(page2.headers.get('link')).toContain('rel="prev"');
  });

  it('lists repository runs filtered by status, event and created', async () => {
    const r = await get('/repos/acme/mara/actions/runs?status=failure&created=2026-11-10');
    expectValid('/repos/{owner}/{repo}/actions/runs', 'get', '200', r.body);
    const runs = (r.body as { workflow_runs: { head_branch: string; conclusion: string }[] }).workflow_runs;
    expect(runs.map((x) => x.head_branch)).toEqual(['feature/x']);
    const scheduled = await get('/repos/acme/mara/actions/runs?event=schedule');
    expect((scheduled.body as { total_count: number }).total_count).toBe(1);
    const since = await get('/repos/acme/mara/actions/runs?created=>=2026-11-07T00:00:00Z&branch=main');
    expect((since.body as { total_count: number }).total_count).toBe(150 - 144 + 2); // six hourly runs, the nightly and the re-run
  });

  it('rejects a status GitHub does not accept (startup_failure) with 422', async () => {
    const r = await get('/repos/acme/mara/actions/runs?status=startup_failure');
    expect(r.status).toBe(422);
    expectValid('/repos/{owner}/{repo}/labels', 'post', '422', r.body);
  });

  it('gets a run attempt and the jobs of every attempt', async () => {
    const first = await get(`/repos/acme/mara/actions/runs/${flakyRun}/attempts/1`);
    expectValid(
      '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
      'get',
      '200',
      first.body,
    );
    expect(first.body).toMatchObject({ run_attempt: 1, conclusion: 'failure', previous_attempt_url: null });
    const latest = await get(`/repos/acme/mara/actions/runs/${flakyRun}`);
    expectValid('/repos/{owner}/{repo}/actions/runs/{run_id}', 'get', '200', latest.body);
    expect(latest.body).toMatchObject({
      run_attempt: 2,
      conclusion: 'success',
      previous_attempt_url: `${gh.url}/repos/acme/mara/actions/runs/${flakyRun}/attempts/1`,
    });
    const jobs = await get(`/repos/acme/mara/actions/runs/${flakyRun}/jobs?filter=all`);
    expectValid('/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', 'get', '200', jobs.body);
    const list = (jobs.body as { jobs: { run_attempt: number; conclusion: string }[] }).jobs;
    expect(list.map((j) => [j.run_attempt, j.conclusion])).toEqual([
      [1, 'failure'],
      [2, 'success'],
    ]);
    const latestJobs = await get(`/repos/acme/mara/actions/runs/${flakyRun}/jobs`);
    expect((latestJobs.body as { total_count: number }).total_count).toBe(1);
  });

  it("shows a seeded head repository as a fork's, and the repository itself by default", async () => {
    const own = await startGitHubServer({ workflows: [{ name: 'CI', path: 'ci.yml' }] });
    try {
      const fork = own.addRun({ workflow: 'CI', event: 'pull_request', headRepository: 'someone/app' });
      const push = own.addRun({ workflow: 'CI' });
      const read = async (id: number) => {
        const res = await fetch(`${own.url}/repos/acme/mara/actions/runs/${id}`, {
          headers: { authorization: `token ${own.token}` },
        });
        return (await res.json()) as Record<string, { id: number; full_name: string; fork: boolean }>;
      };
      const forked = await read(fork.id);
      expectValid('/repos/{owner}/{repo}/actions/runs/{run_id}', 'get', '200', forked);
      expect(forked.head_repository).toMatchObject({ full_name: 'someone/app', fork: true });
      expect(forked.head_repository?.id).not.toBe(forked.repository?.id);
      const pushed = await read(push.id);
      expect(pushed.head_repository).toMatchObject({ full_name: 'acme/mara', fork: false });
      expect(pushed.head_repository?.id).toBe(pushed.repository?.id);
    } finally {
      await own.close();
    }
  });

  it('creates, lists, updates and comments issues, with labels', async () => {
    const label = await send('POST', '/repos/acme/mara/labels', {
      name: 'repeated-failure',
      color: 'b60205',
    });
    expect(label.status).toBe(201);
    expectValid('/repos/{owner}/{repo}/labels', 'post', '201', label.body);
    const again = await send('POST', '/repos/acme/mara/labels', { name: 'repeated-failure' });
    expect(again.status).toBe(422);
    expectValid('/repos/{owner}/{repo}/labels', 'post', '422', again.body);
    const labels = await get('/repos/acme/mara/labels');
    expectValid('/repos/{owner}/{repo}/labels', 'get', '200', labels.body);

    const created = await send('POST', '/repos/acme/mara/issues', {
      title: 'CI failing on main',
      body: 'x',
      labels: ['repeated-failure'],
    });
    expect(created.status).toBe(201);
    expectValid('/repos/{owner}/{repo}/issues', 'post', '201', created.body);
    const n = (created.body as { number: number }).number;
    const list = await get('/repos/acme/mara/issues?labels=repeated-failure&state=open');
    expectValid('/repos/{owner}/{repo}/issues', 'get', '200', list.body);
    expect((list.body as { number: number }[]).map((i) => i.number)).toEqual([n]);
    const comment = await send('POST', `/repos/acme/mara/issues/${n}/comments`, { body: 'still failing' });
    expectValid('/repos/{owner}/{repo}/issues/{issue_number}/comments', 'post', '201', comment.body);
    const comments = await get(`/repos/acme/mara/issues/${n}/comments`);
    expectValid('/repos/{owner}/{repo}/issues/{issue_number}/comments', 'get', '200', comments.body);
    const closed = await send('PATCH', `/repos/acme/mara/issues/${n}`, { state: 'closed' });
    expectValid('/repos/{owner}/{repo}/issues/{issue_number}', 'patch', '200', closed.body);
    expect(closed.body).toMatchObject({ state: 'closed', state_reason: 'completed', comments: 1 });
    const open = await get('/repos/acme/mara/issues?labels=repeated-failure');
    expect(open.body).toEqual([]);
  });

  it('creates a branch, writes a file with optimistic concurrency and reads it back', async () => {
    const contents = '/repos/{owner}/{repo}/contents/{path}';
    const missing = await get('/repos/acme/mara/git/ref/heads/health-state');
    expect(missing.status).toBe(404);
    const main = await get('/repos/acme/mara/git/ref/heads/main');
    expect(main.status).toBe(200);
    expectValid('/repos/{owner}/{repo}/git/ref/{ref}', 'get', '200', main.body);
    const sha = (main.body as { object: { sha: string } }).object.sha;
    const created = await send('POST', '/repos/acme/mara/git/refs', { ref: 'refs/heads/health-state', sha });
    expect(created.status).toBe(201);
    expectValid('/repos/{owner}/{repo}/git/refs', 'post', '201', created.body);
    const twice = await send('POST', '/repos/acme/mara/git/refs', { ref: 'refs/heads/health-state', sha });
    expect(twice.status).toBe(422);

    const absent = await get('/repos/acme/mara/contents/state.json?ref=health-state');
    expect(absent.status).toBe(404);
    const noBranch = await get('/repos/acme/mara/contents/state.json?ref=nope');
    expect(noBranch.status).toBe(404);
    const text = JSON.stringify({ targets: { api: { failures: 2 } } });
    const put = (body: Record<string, unknown>) =>
      send('PUT', '/repos/acme/mara/contents/state.json', {
        message: 'health state',
        branch: 'health-state',
        content: Buffer.from(text).toString('base64'),
        ...body,
      });
    const first = await put({});
    expect(first.status).toBe(201);
    expectValid(contents, 'put', '201', first.body);
    const firstSha = (first.body as { content: { sha: string } }).content.sha;
    // A real git blob sha: what `git hash-object` gives for the same bytes.
    expect(firstSha).toBe(blobSha(Buffer.from(text)));

    const read = await get('/repos/acme/mara/contents/state.json?ref=health-state');
    expect(read.status).toBe(200);
    expectValid(contents, 'get', '200', read.body);
    const file = read.body as { content: string; sha: string; encoding: string };
    expect(file.encoding).toBe('base64');
    expect(Buffer.from(file.content, 'base64').toString()).toBe(text);
    expect(file.sha).toBe(firstSha);
    expect(gh.file('state.json', { branch: 'health-state' })).toBe(text);
    expect(gh.file('state.json')).toBeUndefined();

    const noSha = await put({});
    expect(noSha.status).toBe(422);
    expectValid(contents, 'put', '422', noSha.body);
    // Another writer got there first: the sha read is no longer the file's.
    gh.putFile('state.json', '{"other":true}', { branch: 'health-state' });
    const stale = await put({ sha: firstSha });
    expect(stale.status).toBe(409);
    // The spec's 409 is a oneOf of two error bodies that a plain error satisfies both of.
    expectValid('/repos/{owner}/{repo}/issues', 'post', '403', stale.body);
    expect(stale.body).toMatchObject({ message: `state.json does not match ${firstSha}` });
    const current = (await get('/repos/acme/mara/contents/state.json?ref=health-state')).body as {
      sha: string;
    };
    const updated = await put({ sha: current.sha });
    expect(updated.status).toBe(200);
    expectValid(contents, 'put', '200', updated.body);
    const wrongBranch = await send('PUT', '/repos/acme/mara/contents/x.json', {
      message: 'm',
      branch: 'nope',
      content: '',
    });
    expect(wrongBranch.status).toBe(404);
  });

  it('lists a folder and reads a workflow file from the default branch', async () => {
    gh.putFile('.github/workflows/health.yml', "on:\n  schedule:\n    - cron: '*/15 * * * *'\n");
    gh.putFile('.github/workflows/ci.yml', 'on: push\n');
    const dir = await get('/repos/acme/mara/contents/.github/workflows');
    expect(dir.status).toBe(200);
    expectValid('/repos/{owner}/{repo}/contents/{path}', 'get', '200', dir.body);
    expect((dir.body as { name: string }[]).map((e) => e.name)).toEqual(['ci.yml', 'health.yml']);
    const root = await get('/repos/acme/mara/contents');
    expect((root.body as { name: string; type: string }[]).map((e) => [e.name, e.type])).toEqual([
      ['.github', 'dir'],
    ]);
    const wf = await get('/repos/acme/mara/contents/.github/workflows/health.yml');
    expect(Buffer.from((wf.body as { content: string }).content, 'base64').toString()).toContain('*/15');
  });
});

describe('GitHub stand-in faults', () => {
  it('answers 401 Bad credentials to a wrong token, with rate-limit headers', async () => {
    const r = await get('/repos/acme/mara', { authorization: 'token nope' });
    expect(r.status).toBe(401);
    expectValid('/repos/{owner}/{repo}', 'get', '403', r.body); // 401s carry the same error body
    expect(r.body).toMatchObject({ message: 'Bad credentials' });
    expect(r.headers.get('x-ratelimit-limit')).toBe('1000');
  });

  it('answers 403 to content writes when the token only reads contents', async () => {
    gh.setPermission('contents', 'read');
    const r = await send('PUT', '/repos/acme/mara/contents/a.txt', { message: 'm', content: '' });
    const read = await get('/repos/acme/mara/contents');
    gh.setPermission('contents', 'write');
    expect(r.status).toBe(403);
    expectValid('/repos/{owner}/{repo}/issues', 'post', '403', r.body); // the spec lists no 403 here
    expect(read.status).toBe(200);
  });

  it('answers 403 to issue writes when the token only reads issues', async () => {
    gh.setPermission('issues', 'read');
    const r = await send('POST', '/repos/acme/mara/issues', { title: 't' });
    gh.setPermission('issues', 'write');
    expect(r.status).toBe(403);
    expectValid('/repos/{owner}/{repo}/issues', 'post', '403', r.body);
    expect(r.body).toMatchObject({ message: 'Resource not accessible by integration' });
  });

  it('answers a secondary rate limit with retry-after, then a 503, then normally', async () => {
    gh.fail([
      { kind: 'secondary-rate-limit', status: 429, retryAfter: 7 },
      { kind: 'status', status: 503 },
    ]);
    const limited = await get('/repos/acme/mara');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((limited.body as { message: string }).message).toMatch(/secondary rate limit/);
    expect((await get('/repos/acme/mara')).status).toBe(503);
    expect((await get('/repos/acme/mara')).status).toBe(200);
  });

  it('leaves a hung request unanswered until the client gives up, logged with status 0, then answers', async () => {
    gh.resetLog();
    gh.fail({ kind: 'hang' }, { path: '/repos/acme/mara/deployments' });
    const started = Date.now();
    const hung = await fetch(`${gh.url}/repos/acme/mara/deployments`, {
      headers: auth(),
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    expect(hung).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(gh.requests.map((r) => [r.path, r.status])).toEqual([['/repos/acme/mara/deployments', 0]]);
    expect((await get('/repos/acme/mara/deployments')).status).toBe(200);
  });

  it('logs every request with method, path and query', async () => {
    gh.resetLog();
    await get('/repos/acme/mara/actions/runs?branch=main&per_page=5');
    expect(gh.requests).toEqual([
      {
        method: 'GET',
        path: '/repos/acme/mara/actions/runs',
        query: { branch: 'main', per_page: '5' },
        status: 200,
      },
    ]);
  });

  it('stops a filtered listing at 1,000 results, as GitHub does', async () => {
    const big = await startGitHubServer({ workflows: [{ name: 'Big' }] });
    try {
      for (let i = 0; i < 1050; i++) big.addRun({ workflow: 'Big', conclusion: 'success' });
      const url = `${big.url}/repos/acme/mara/actions/runs?branch=main&per_page=100&page=11`;
      const res = await fetch(url, { headers: { authorization: `token ${big.token}` } });
      const body = (await res.json()) as { total_count: number; workflow_runs: unknown[] };
      expect(body.total_count).toBe(1050);
      expect(body.workflow_runs).toHaveLength(0);
    } finally {
      await big.close();
    }
  });
});
