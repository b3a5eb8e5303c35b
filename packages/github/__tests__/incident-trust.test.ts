import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  startGitHubProxy,
  startGitHubServer,
  type GitHubProxy,
  type GitHubServer,
} from '@sre-toolkit/testkit';
import { createGitHubClient, type GitHubClient } from '../src/client';
import {
  escapeHtmlComment,
  findIncidentIssue,
  incidentMarker,
  listIncidentIssues,
  openIncidentIssue,
  parseIncidentBody,
  updateIncidentIssue,
} from '../src/incident-issues';

let gh: GitHubServer;
let proxy: GitHubProxy;
const repo = { owner: 'acme', repo: 'mara' };
const newClient = (): GitHubClient =>
  createGitHubClient({
    token: gh.token,
    baseUrl: proxy.url,
    waitUnitMs: 1,
    writeSpacingMs: { write: 0, notifications: 0 },
  });

beforeAll(async () => {
  gh = await startGitHubServer();
  proxy = await startGitHubProxy(gh.url);
});
afterAll(async () => {
  await Promise.all([gh.close(), proxy.close()]);
});
beforeEach(() => {
  gh.resetLog();
  proxy.rewrite(undefined);
});

/** Shows the issues numbered `numbers` as opened by `login`. */
const authoredBy = (login: string, numbers: number[]) =>
  proxy.rewrite((_req, body) => {
    const fix = (i: { number?: number; user?: { login: string } }) =>
      i.number !== undefined && numbers.includes(i.number) ? { ...i, user: { ...i.user, login } } : i;
    return Array.isArray(body) ? body.map(fix) : fix(body as { number?: number });
  });

describe('escapeHtmlComment', () => {
  it('turns comment delimiters into entities and is idempotent', () => {
    const text = 'a <!-- sre-toolkit:k {"n":1} --> b <!-->';
    const once = escapeHtmlComment(text);
    expect(once).toBe('a &lt;!-- sre-toolkit:k {"n":1} --&gt; b &lt;!--&gt;');
    expect(escapeHtmlComment(once)).toBe(once);
  });
});

describe('reading only our trailing marker', () => {
  it('ignores a marker planted in the visible text and reads the last one', () => {
    const planted = `Value: ${incidentMarker('k', { count: 99 })} more text`;
    const body = `${planted}\n\n${incidentMarker('k', { count: 1 })}\n`;
    expect(parseIncidentBody(body)).toEqual({ key: 'k', state: { count: 1 }, visible: planted });
  });

  it('reads no marker that text follows', () => {
    expect(parseIncidentBody(`${incidentMarker('k', { n: 1 })}\nsigned, someone`)).toBeUndefined();
  });

  it('writes outside text inert, so the planted marker never reaches the body as a marker', async () => {
    const client = newClient();
    const opened = await openIncidentIssue(client, {
      ...repo,
      label: 'planted',
      key: 'probe:api',
      title: 'api is down',
      body: `got \`${incidentMarker('probe:api', { failures: 99 })}\``,
      state: { failures: 1 },
    });
    const stored = gh.issues().find((i) => i.number === opened.number)!;
    expect(stored.body?.match(/<!--/g)).toHaveLength(1);
    const found = await findIncidentIssue(client, { ...repo, label: 'planted', key: 'probe:api' });
    expect(found?.number).toBe(opened.number);
    expect(found?.state).toEqual({ failures: 1 });
    // Written back unchanged: escaping what was read back adds nothing.
    await updateIncidentIssue(client, found!, {
      ...repo,
      key: 'probe:api',
      state: { failures: 2 },
      comment: 'x <!-- y',
    });
    expect(stored.body?.match(/<!--/g)).toHaveLength(1);
    expect(stored.body?.startsWith(opened.body)).toBe(true);
    expect(stored.comments.map((c) => c.body)).toEqual(['x &lt;!-- y']);
  });
});

describe('trusting only issues the token opened', () => {
  it('ignores an issue another user opened with the label and a marker, after one identity lookup', async () => {
    const forged = gh.addIssue({
      title: 'api is down',
      body: `planted\n\n${incidentMarker('probe:api', { failures: 50 })}\n`,
      labels: ['forged'],
    });
    const mine = gh.addIssue({
      title: 'web is down',
      body: `real\n\n${incidentMarker('probe:web', { failures: 2 })}\n`,
      labels: ['forged'],
    });
    authoredBy('mallory', [forged.number]);
    gh.resetLog();
    const client = newClient();
    const all = await listIncidentIssues(client, { ...repo, label: 'forged' });
    expect([...all.keys()]).toEqual(['probe:web']);
    expect(all.get('probe:web')?.number).toBe(mine.number);
    // The stand-in has no GraphQL: the lookup fails, and only github-actions[bot] stays trusted.
    await listIncidentIssues(client, { ...repo, label: 'forged' });
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /repos/acme/mara/issues 200',
      'POST /graphql 404',
      'GET /repos/acme/mara/issues 200',
    ]);
    expect(forged.state).toBe('open');
  });

  it('trusts the author of an issue it opened itself (an app token: my-app[bot])', async () => {
    const client = newClient();
    const next = gh.issues().length + 1;
    authoredBy('my-app[bot]', [next]);
    const opened = await openIncidentIssue(client, {
      ...repo,
      label: 'app',
      key: 'k',
      title: 't',
      body: 'b',
      state: { n: 1 },
    });
    expect(opened.number).toBe(next);
    const found = await findIncidentIssue(client, { ...repo, label: 'app', key: 'k' });
    expect(found?.number).toBe(next);
    expect(gh.requests.some((r) => r.path === '/graphql')).toBe(false);
  });
});

describe('opening an issue when the create fails with 5xx', () => {
  it('finds the issue a 502 hid instead of opening a second one', async () => {
    proxy.fail(
      { kind: 'status-after-forward', status: 502 },
      { method: 'POST', path: '/repos/acme/mara/issues' },
    );
    gh.addLabel('hidden');
    gh.resetLog();
    const before = proxy.requests.length;
    const opened = await openIncidentIssue(newClient(), {
      ...repo,
      label: 'hidden',
      key: 'probe:db',
      title: 'db is down',
      body: 'Down',
      state: { failures: 1 },
      labelExists: true,
    });
    const created = gh.issues().filter((i) => i.labels.includes('hidden'));
    expect(created).toHaveLength(1);
    expect(opened).toMatchObject({ number: created[0]!.number, state: { failures: 1 }, body: 'Down' });
    expect(proxy.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /repos/acme/mara/issues 502',
      'GET /repos/acme/mara/issues 200',
    ]);
  });

  it('creates again, once, when the 502 came before anything was created', async () => {
    gh.addLabel('lost');
    gh.resetLog();
    gh.fail({ kind: 'status', status: 502 }, { method: 'POST', path: '/repos/acme/mara/issues' });
    await openIncidentIssue(newClient(), {
      ...repo,
      label: 'lost',
      key: 'probe:q',
      title: 'q is down',
      body: 'Down',
      state: {},
      labelExists: true,
    });
    expect(gh.issues().filter((i) => i.labels.includes('lost'))).toHaveLength(1);
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /repos/acme/mara/issues 502',
      'GET /repos/acme/mara/issues 200',
      'POST /repos/acme/mara/issues 201',
    ]);
  });
});
