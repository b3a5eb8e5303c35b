import {
  closeIncidentIssue,
  describeGitHubError,
  openIncidentIssue,
  statusOf,
  updateIncidentIssue,
  type GitHubClient,
  type IncidentIssue,
} from '@sre-toolkit/github';

/**
 * The only code that writes incident issues. It owns one piece of state: after GitHub refuses a
 * write (401, 403, 404) every other write would be refused too, so it stops writing and says it once.
 * A write that fails returns undefined/false and leaves its message in `errors`.
 */
export interface IncidentWriter {
  open(key: string, title: string, body: string, state: object): Promise<IncidentIssue | undefined>;
  update(issue: IncidentIssue, key: string, body: string, state: object, comment?: string): Promise<boolean>;
  close(issue: IncidentIssue, key: string, comment: string, state: object): Promise<boolean>;
  /** One message per problem, for `::error` (issue writes refused, GitHub down). */
  readonly errors: readonly string[];
}

export interface WriterOptions {
  readonly owner: string;
  readonly repo: string;
  readonly label: string;
  /** An open issue carries the label already, so it need not be checked. */
  readonly labelExists: boolean;
}

export function incidentWriter(client: GitHubClient, o: WriterOptions): IncidentWriter {
  const repo = { owner: o.owner, repo: o.repo };
  const errors: string[] = [];
  let blocked = false;
  let labelExists = o.labelExists;
  const write = async <T>(doing: string, request: () => Promise<T>): Promise<T | undefined> => {
    if (blocked) return undefined;
    try {
      return await request();
    } catch (error) {
      const status = statusOf(error);
      if (status === 401 || status === 403 || status === 404) blocked = true;
      errors.push(describeGitHubError(error, doing, 'issues: write'));
      return undefined;
    }
  };
  return {
    errors,
    async open(key, title, body, state) {
      const issue = await write('opening an issue', () =>
        openIncidentIssue(client, {
          ...repo,
          label: o.label,
          key,
          title,
          body,
          state: { ...state },
          labelDescription: 'Opened and closed by the repeated-failure-detector action',
          labelExists,
        }),
      );
      if (issue) labelExists = true;
      return issue;
    },
    async update(issue, key, body, state, comment) {
      const doing = comment ? `commenting on issue #${issue.number}` : `updating issue #${issue.number}`;
      const done = await write(doing, async () => {
        await updateIncidentIssue(client, issue, {
          ...repo,
          key,
          body: keepDeploySentence(issue.body, body),
          state: { ...state },
          ...(comment ? { comment } : {}),
        });
        return true;
      });
      return done === true;
    },
    async close(issue, key, comment, state) {
      const done = await write(`closing issue #${issue.number}`, async () => {
        await closeIncidentIssue(client, issue, { ...repo, key, comment, state: { ...state } });
        return true;
      });
      return done === true;
    },
  };
}

/**
 * The deploy the incident began after (issue #14) is written once, when the issue opens; a later
 * rewrite of the body (a longer streak) keeps that last paragraph rather than losing it.
 */
export function keepDeploySentence(before: string, after: string): string {
  const sentence = /\n\nThis incident began \d[^\n]* after [^\n]* reached [^\n]*\.$/.exec(
    before.trimEnd(),
  )?.[0];
  return sentence && !after.includes(sentence.trim()) ? `${after.trimEnd()}${sentence}` : after;
}
