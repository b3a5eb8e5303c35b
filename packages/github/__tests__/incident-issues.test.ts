import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startGitHubServer, type GitHubServer } from '@sre-toolkit/testkit';
import {
  closeIncidentIssue,
  findIncidentIssue,
  incidentMarker,
  openIncidentIssue,
  parseIncidentBody,
  updateIncidentIssue,
} from '../src/incident-issues';
import { createGitHubClient, type GitHubClient } from '../src/client';

let gh: GitHubServer;
let client: GitHubClient;
const repo = { owner: 'acme', repo: 'mara' };

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

describe('incident markers', () => {
  it('round-trips a key and state, and keeps the visible body apart', () => {
    const body = `Broken since Monday\n\n${incidentMarker('ci@main', { count: 4, first: 'x-->y' })}\n`;
    expect(parseIncidentBody(body)).toEqual({
      key: 'ci@main',
      state: { count: 4, first: 'x-->y' },
      visible: 'Broken since Monday',
    });
  });

  it('escapes a state that would close the HTML comment early', () => {
    const marker = incidentMarker('k', { text: '--> <b>' });
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
  });

  it('encodes keys with spaces so the marker stays one token', () => {
    const marker = incidentMarker('Nightly build@release/1.x', {});
    expect(marker).toBe('<!-- sre-toolkit:Nightly%20build@release/1.x {} -->');
    expect(parseIncidentBody(marker)?.key).toBe('Nightly build@release/1.x');
  });

  it('ignores bodies without a marker or with broken JSON', () => {
    expect(parseIncidentBody('plain text')).toBeUndefined();
    expect(parseIncidentBody('<!-- sre-toolkit:k {nope} -->')).toBeUndefined();
    expect(parseIncidentBody(null)).toBeUndefined();
  });
});

describe('incident issues against the GitHub stand-in', () => {
  it('opens an issue with its label (created when missing), finds, updates and closes it', async () => {
    const opened = await openIncidentIssue(client, {
      ...repo,
      label: 'incident',
      key: 'probe:api',
      title: 'api is down',
      body: 'Down since 10:00',
      state: { failures: 3 },
    });
    expect(opened.number).toBeGreaterThan(0);
    expect(gh.labels().map((l) => l.name)).toContain('incident');
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /repos/acme/mara/labels/incident 404',
      'POST /repos/acme/mara/labels 201',
      'POST /repos/acme/mara/issues 201',
    ]);

    const found = await findIncidentIssue(client, { ...repo, label: 'incident', key: 'probe:api' });
    expect(found).toEqual({
      number: opened.number,
      url: `https://github.com/acme/mara/issues/${opened.number}`,
      title: 'api is down',
      body: 'Down since 10:00',
      state: { failures: 3 },
    });
    expect(await findIncidentIssue(client, { ...repo, label: 'incident', key: 'probe:web' })).toBeUndefined();

    const updated = await updateIncidentIssue(client, found!, {
      ...repo,
      key: 'probe:api',
      state: { failures: 5 },
      comment: 'Still down',
    });
    expect(updated.state).toEqual({ failures: 5 });
    const stored = gh.issues().find((i) => i.number === opened.number)!;
    expect(stored.comments.map((c) => c.body)).toEqual(['Still down']);
    expect(parseIncidentBody(stored.body)?.state).toEqual({ failures: 5 });
    expect(parseIncidentBody(stored.body)?.visible).toBe('Down since 10:00');

    await closeIncidentIssue(client, updated, { ...repo, key: 'probe:api', comment: 'Recovered' });
    expect(stored.state).toBe('closed');
    expect(stored.stateReason).toBe('completed');
    expect(stored.comments.map((c) => c.body)).toEqual(['Still down', 'Recovered']);
    expect(await findIncidentIssue(client, { ...repo, label: 'incident', key: 'probe:api' })).toBeUndefined();
  }, 20000);

  it('does not create the label again when it exists', async () => {
    gh.addLabel('existing');
    gh.resetLog();
    await openIncidentIssue(client, {
      ...repo,
      label: 'existing',
      key: 'k2',
      title: 't',
      body: 'b',
      state: {},
    });
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/mara/labels/existing',
      'POST /repos/acme/mara/issues',
    ]);
  });

  it('skips issues with the label but another key or no marker', async () => {
    gh.addIssue({ title: 'by hand', body: 'no marker', labels: ['other'] });
    gh.addIssue({ title: 'other key', body: incidentMarker('x', {}), labels: ['other'] });
    gh.addIssue({ title: 'mine', body: `hi\n${incidentMarker('y', { n: 1 })}`, labels: ['other'] });
    const found = await findIncidentIssue(client, { ...repo, label: 'other', key: 'y' });
    expect(found?.title).toBe('mine');
    expect(found?.state).toEqual({ n: 1 });
  });

  it('surfaces a 403 on issue writes as a RequestError with status 403', async () => {
    gh.setPermission('issues', 'read');
    try {
      await expect(
        openIncidentIssue(client, {
          ...repo,
          label: 'existing',
          key: 'k3',
          title: 't',
          body: 'b',
          state: {},
        }),
      ).rejects.toMatchObject({ status: 403 });
    } finally {
      gh.setPermission('issues', 'write');
    }
  });
});
