import { statusOf } from './incident-issues';
import { isTimeoutError } from './request-budget';

/**
 * A message a workflow author can act on for a failed GitHub request: what was being done, what
 * GitHub said, and what to change. `doing` reads like "listing runs of ci.yml".
 *
 * Only an answer from GitHub is described by its status: @octokit/request reports a timeout,
 * refused connection, DNS or TLS failure as a "500" without a response, and calling that "GitHub
 * answered 500" would send the reader to GitHub's status page instead of their network.
 */
export function describeGitHubError(error: unknown, doing: string, permission?: string): string {
  if (isTimeoutError(error))
    return `GitHub did not answer in time while ${doing}: ${messageOf(error)} Raise github-timeout if GitHub is only slow.`;
  if (!answered(error)) return `Could not reach GitHub while ${doing}: ${networkReason(error)}`;
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
      return `Could not reach GitHub while ${doing}: ${networkReason(error)}`;
    default:
      return `GitHub answered ${status} while ${doing}${status >= 500 ? ' (after retries)' : ''}: ${said}`;
  }
}

/** Whether GitHub sent an HTTP answer (a RequestError with a response), as opposed to no answer. */
function answered(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  if ('response' in error && error.response) return true;
  // Errors built by hand (tests, other clients) carry a status but no request: trust the status.
  return statusOf(error) !== undefined && !('request' in error);
}

/** What went wrong on the way: the innermost cause with its code (ECONNREFUSED, ENOTFOUND, CERT_…). */
function networkReason(error: unknown): string {
  let reason = messageOf(error);
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    if (typeof code === 'string' && typeof message === 'string')
      reason = message.includes(code) ? message : `${code} ${message}`;
    e = (e as { cause?: unknown }).cause;
  }
  return reason;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function githubMessage(error: unknown): string {
  const data =
    error && typeof error === 'object' && 'response' in error
      ? (error.response as { data?: unknown } | undefined)?.data
      : undefined;
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string')
    return data.message;
  return messageOf(error);
}
