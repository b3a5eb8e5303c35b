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
  if (!answered(error)) return unreachable(error, doing);
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
      return unreachable(error, doing);
    default:
      return `GitHub answered ${status} while ${doing}${status >= 500 ? ' (after retries)' : ''}: ${said}`;
  }
}

/**
 * Runs a request and rethrows its failure as describeGitHubError's message (the original kept as
 * `cause`), for stores whose callers show the message to a workflow author as it is.
 */
export async function explainedGitHubRequest<T>(
  doing: string,
  permission: string,
  request: () => Promise<T>,
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw new Error(describeGitHubError(error, doing, permission), { cause: error });
  }
}

/** How a request failed without an answer: what the network said, in words and with its code. */
export interface NetworkFailure {
  /** refused, dns, timeout, tls, reset, route, other */
  readonly kind: 'refused' | 'dns' | 'timeout' | 'tls' | 'reset' | 'route' | 'other';
  /** 'connection refused', 'DNS lookup failed', … */
  readonly what: string;
  /** The innermost message, with its code (`connect ECONNREFUSED 127.0.0.1:9`). */
  readonly detail: string;
}

const KINDS: readonly [NetworkFailure['kind'], string, RegExp][] = [
  ['refused', 'connection refused', /^ECONNREFUSED$/],
  ['dns', 'DNS lookup failed', /^(?:ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|ENODATA)$/],
  [
    'timeout',
    'connection timed out',
    /^(?:ETIMEDOUT|ESOCKETTIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/,
  ],
  [
    'tls',
    'TLS handshake failed',
    /^(?:CERT_\w+|ERR_TLS_\w+|ERR_SSL_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_\w+|HOSTNAME_MISMATCH|EPROTO)$/,
  ],
  ['reset', 'connection closed without an answer', /^(?:ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/],
  ['route', 'no route to GitHub', /^(?:EHOSTUNREACH|ENETUNREACH|ENETDOWN|EHOSTDOWN)$/],
];

/**
 * What the network said when GitHub sent no answer (refused, DNS, timeout, TLS, reset); undefined
 * when GitHub answered (then its status says what happened) or when the error is no request error.
 */
export function networkFailure(error: unknown): NetworkFailure | undefined {
  if (!error || typeof error !== 'object' || answered(error)) return undefined;
  if (isTimeoutError(error)) return { kind: 'timeout', what: 'no answer in time', detail: messageOf(error) };
  const codes = codesOf(error);
  const detail = networkReason(error);
  for (const [kind, what, pattern] of KINDS)
    if (codes.some((c) => pattern.test(c))) return { kind, what, detail };
  return { kind: 'other', what: 'no answer', detail };
}

function unreachable(error: unknown, doing: string): string {
  const failure = networkFailure(error);
  const what =
    failure && failure.kind !== 'other' ? `${failure.what} (${failure.detail})` : networkReason(error);
  const hint =
    failure?.kind === 'tls'
      ? ' Check the GitHub API URL and any TLS-intercepting proxy (NODE_EXTRA_CA_CERTS).'
      : failure?.kind === 'dns' || failure?.kind === 'route'
        ? ' Check the GitHub API URL (GITHUB_API_URL) and the runner network.'
        : '';
  return `Could not reach GitHub while ${doing}: ${what}. No HTTP answer was received.${hint}`;
}

/** Every `code` on the error and its causes, outermost first. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
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

/**
 * The HTTP status of an octokit RequestError, if it is one. (Here, not in incident-issues.ts: code
 * that only describes errors then does not pull the client into an entry, issue #16.)
 */
export function statusOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number')
    return error.status;
  return undefined;
}
