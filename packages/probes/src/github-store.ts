import {
  closeIncidentIssue,
  createGitHubClient,
  explainedGitHubRequest,
  listIncidentIssues,
  openIncidentIssue,
  updateIncidentIssue,
  type GitHubClient,
  type GitHubClientOptions,
  type IncidentIssue,
} from '@sre-toolkit/github';
import type { RunContext, Runtime } from '@sre-toolkit/action';
import type { IncidentStore } from './alerts';
import { incidentKey, readIncidentState, type IncidentState, type OpenIncident } from './incidents';

/**
 * Incidents as GitHub issues (label + hidden marker, via @sre-toolkit/github). One paginated listing
 * finds every target's open incident, so a run costs one read plus writes only on changes and updates.
 */
export function githubIncidentStore(
  client: GitHubClient,
  repo: { readonly owner: string; readonly repo: string; readonly label: string },
): IncidentStore {
  const issues = new Map<number, IncidentIssue>();
  const ref = { owner: repo.owner, repo: repo.repo };
  const stateOf = (state: IncidentState): Record<string, unknown> => ({ ...state });
  const issueFor = (incident: OpenIncident): IncidentIssue =>
    issues.get(incident.number) ?? {
      number: incident.number,
      url: incident.url,
      title: '',
      body: '',
      state: {},
    };
  const list = () =>
    explained('reading incident issues', () =>
      listIncidentIssues(client, { ...ref, label: repo.label, keyPrefix: 'health-probe:' }),
    );
  let listing: ReturnType<typeof list> | undefined;
  return {
    prefetch() {
      listing ??= list();
      // A failure is findOpen's to report, when it takes the listing.
      listing.catch(() => undefined);
    },
    async findOpen(targets) {
      const read = listing ?? list();
      listing = undefined;
      const all = await read;
      const open = new Map<string, OpenIncident>();
      for (const target of targets) {
        const issue = all.get(incidentKey(target));
        if (!issue) continue;
        issues.set(issue.number, issue);
        const state = readIncidentState(issue.state);
        open.set(target, { number: issue.number, url: issue.url, ...(state ? { state } : {}) });
      }
      return open;
    },
    async open(key, title, body, state) {
      const issue = await explained('opening an incident issue', () =>
        openIncidentIssue(client, {
          ...ref,
          label: repo.label,
          key,
          title,
          body,
          state: stateOf(state),
          labelDescription: 'Opened by the health-probe action while a target is down',
        }),
      );
      issues.set(issue.number, issue);
      return { number: issue.number, url: issue.url };
    },
    async update(incident, key, body, state) {
      await explained(`updating incident #${incident.number}`, () =>
        updateIncidentIssue(client, issueFor(incident), { ...ref, key, body, state: stateOf(state) }),
      );
    },
    async close(incident, key, comment, state) {
      await explained(`closing incident #${incident.number}`, () =>
        closeIncidentIssue(client, issueFor(incident), { ...ref, key, comment, state: stateOf(state) }),
      );
    },
  };
}

/** Rethrows a failed request as a message a workflow author can act on. */
const explained = <T>(doing: string, request: () => Promise<T>): Promise<T> =>
  explainedGitHubRequest(doing, 'issues: write', request);

/** The store for the repository a workflow runs in. */
export function createIncidentStore(
  options: GitHubClientOptions & { readonly owner: string; readonly repo: string; readonly label: string },
): IncidentStore {
  return githubIncidentStore(createGitHubClient(options), options);
}

/**
 * The store a run keeps its incidents in (`issue: true`): none, with a warning so that every down
 * target alerts, when there is no token or repository to write issues to.
 */
export function incidentStoreFor(
  rt: Runtime,
  ctx: RunContext,
  options: Omit<GitHubClientOptions, 'baseUrl' | 'log'> & { readonly label: string },
): IncidentStore | undefined {
  const { label, ...client } = options;
  if (!client.token || !ctx.owner) {
    rt.warning('issue is true but there is no github-token or repository; alerting on every down target.');
    return undefined;
  }
  return createIncidentStore({
    ...client,
    baseUrl: ctx.apiUrl,
    log: (m) => rt.info(m),
    owner: ctx.owner,
    repo: ctx.repo,
    label,
  });
}

/** Open issues labelled `label` (one page of 100): the maintenance issues that silence targets. */
export async function listMaintenanceIssues(
  client: GitHubClient,
  repo: { readonly owner: string; readonly repo: string; readonly label: string },
): Promise<{ number: number; body: string }[]> {
  const { data } = await explained('listing maintenance issues', () =>
    client.rest.issues.listForRepo({
      owner: repo.owner,
      repo: repo.repo,
      labels: repo.label,
      state: 'open',
      per_page: 100,
    }),
  );
  return data.filter((i) => !i.pull_request).map((i) => ({ number: i.number, body: i.body ?? '' }));
}
