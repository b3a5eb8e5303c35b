import type { RunContext, Runtime } from '@sre-toolkit/action';
import {
  createGitHubClient,
  explainedGitHubRequest,
  listIncidentIssues,
  openIncidentIssue,
  updateIncidentIssue,
  type GitHubClient,
  type GitHubClientOptions,
  type IncidentIssue,
} from '@sre-toolkit/github';
import { CRASH_LABEL, type CrashIssue, type CrashIssueState, type CrashIssueStore } from './crash-issues';

const KEY_PREFIX = 'crash-digest:';

/** Crash issues in the repository a workflow runs in: one paginated listing of open and closed. */
export function githubCrashIssueStore(
  client: GitHubClient,
  repo: { readonly owner: string; readonly repo: string },
): CrashIssueStore {
  const ref = { owner: repo.owner, repo: repo.repo };
  const asIncident = (issue: CrashIssue): IncidentIssue => ({
    number: issue.number,
    url: issue.url,
    title: '',
    body: '',
    state: issue.state,
  });
  const stateOf = (s: CrashIssueState): Record<string, unknown> => ({ ...s });
  let labelExists = false;
  return {
    async list() {
      const all = await explained('reading crash issues', () =>
        listIncidentIssues(client, { ...ref, label: CRASH_LABEL, keyPrefix: KEY_PREFIX, state: 'all' }),
      );
      const out = new Map<string, CrashIssue>();
      for (const [key, issue] of all) {
        out.set(key.slice(KEY_PREFIX.length), {
          number: issue.number,
          url: issue.url,
          open: issue.open ?? true,
          labels: issue.labels ?? [],
          state: issue.state,
        });
        labelExists = true;
      }
      return out;
    },
    async open(fingerprint, title, body, state) {
      const issue = await explained('opening a crash issue', () =>
        openIncidentIssue(client, {
          ...ref,
          label: CRASH_LABEL,
          key: KEY_PREFIX + fingerprint,
          title: `💥 ${title}`,
          body,
          state: stateOf(state),
          labelExists,
          labelDescription: 'A crash group, opened by the crash-digest action; close it when fixed',
        }),
      );
      labelExists = true;
      return { number: issue.number, url: issue.url, open: true, labels: [CRASH_LABEL], state: issue.state };
    },
    async update(issue, body, state) {
      await explained(`updating crash issue #${issue.number}`, () =>
        updateIncidentIssue(client, asIncident(issue), {
          ...ref,
          key: KEY_PREFIX + state.fingerprint,
          body,
          state: stateOf(state),
        }),
      );
    },
    async reopen(issue, body, state, comment) {
      await explained(`reopening crash issue #${issue.number}`, () =>
        updateIncidentIssue(client, asIncident(issue), {
          ...ref,
          key: KEY_PREFIX + state.fingerprint,
          body,
          state: stateOf(state),
          comment,
          reopen: true,
        }),
      );
    },
    async lastComment(issue) {
      const comments = await explained(`reading the comments of crash issue #${issue.number}`, () =>
        client.paginate(client.rest.issues.listComments, {
          ...ref,
          issue_number: issue.number,
          per_page: 100,
        }),
      );
      return comments[comments.length - 1]?.body ?? undefined;
    },
  };
}

/** Rethrows a failed request as a message a workflow author can act on. */
const explained = <T>(doing: string, request: () => Promise<T>): Promise<T> =>
  explainedGitHubRequest(doing, 'issues: write', request);

/** The store for `issues: true`; none, with a warning, without a token or repository. */
export function crashIssueStoreFor(
  rt: Runtime,
  ctx: RunContext,
  options: Omit<GitHubClientOptions, 'baseUrl' | 'log'>,
): CrashIssueStore | undefined {
  if (!options.token || !ctx.owner) {
    rt.warning(
      'issues is true but there is no github-token or repository; no crash issues are read or written.',
    );
    return undefined;
  }
  const client = createGitHubClient({ ...options, baseUrl: ctx.apiUrl, log: (m) => rt.info(m) });
  return githubCrashIssueStore(client, { owner: ctx.owner, repo: ctx.repo });
}
