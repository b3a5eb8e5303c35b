import { statusOf } from './incident-issues';

/**
 * A message a workflow author can act on for a failed GitHub request: what was being done, what
 * GitHub said, and what to change. `doing` reads like "listing runs of ci.yml".
 */
export function describeGitHubError(error: unknown, doing: string, permission?: string): string {
  const status = statusOf(error);
  const said = githubMessage(error);
  switch (status) {
    case 401:
      return `GitHub rejected the token while ${doing} (401 ${said}): check the github-token input; it is invalid or expired.`;
    case 403:
      if (/rate limit/i.test(said))
        return `GitHub rate limit while ${doing} (403 ${said}): retried until the wait was too long; run again later or use a token with a higher limit.`;
      return `The token may not do this while ${doing} (403 ${said})${
        permission ? `: grant the workflow \`permissions: ${permission}\`` : ''
      }.`;
    case 404:
      return `Not found while ${doing} (404): check the repository name and that the token can see it.`;
    case 429:
      return `GitHub rate limit while ${doing} (429 ${said}): run again later.`;
    case undefined:
      return `Could not reach GitHub while ${doing}: ${error instanceof Error ? error.message : String(error)}`;
    default:
      return `GitHub answered ${status} while ${doing}${status >= 500 ? ' (after retries)' : ''}: ${said}`;
  }
}

function githubMessage(error: unknown): string {
  const data =
    error && typeof error === 'object' && 'response' in error
      ? (error.response as { data?: unknown } | undefined)?.data
      : undefined;
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string')
    return data.message;
  return error instanceof Error ? error.message : String(error);
}
