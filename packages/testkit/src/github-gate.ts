import type { FaultMatch, GitHubFault, Permission, RequestRecord } from './github-model';
import type { Exchange } from './github-http';

const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';

/**
 * What stands between a request and the data, in GitHub's order: the token, then the faults a test
 * queued, then the primary rate limit. Also keeps the request log and the token's permissions.
 */
export class GitHubGate {
  /** Every request received, in order (faulted ones too). */
  readonly requests: RequestRecord[] = [];
  private readonly faults: { match: FaultMatch; fault: GitHubFault }[] = [];
  /** The token's `issues` permission. */
  issues: Permission = 'write';
  /** The token's `contents` permission. */
  contents: Permission = 'write';
  /** The token's `deployments` permission. */
  deployments: Permission = 'write';
  rateLimitRemaining = 1000;

  constructor(public token: string) {}

  fail(faults: GitHubFault | GitHubFault[], match: FaultMatch = {}): void {
    for (const fault of Array.isArray(faults) ? faults : [faults]) this.faults.push({ match, fault });
  }

  resetLog(): void {
    this.requests.length = 0;
    this.faults.length = 0;
  }

  rateHeaders(): Record<string, string> {
    const remaining = Math.max(this.rateLimitRemaining, 0);
    return {
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(1000 - remaining),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
    };
  }

  /** Whether reads (`read`) or writes (`write`) of issues and labels, contents or deployments are allowed. */
  allows(access: 'read' | 'write', scope: 'issues' | 'contents' | 'deployments' = 'issues'): boolean {
    const granted = this[scope];
    return !(granted === 'none' || (access === 'write' && granted === 'read'));
  }

  /** Counts the request against the rate limit and returns true, or answers it and returns false. */
  admit(exchange: Exchange): boolean {
    // Authentication first, as GitHub does: a bad token never reaches a fault or a resource.
    const given = /^(?:token|bearer)\s+(.+)$/i.exec(exchange.authorization)?.[1];
    if (given !== this.token) {
      exchange.error(401, given ? 'Bad credentials' : 'Requires authentication');
      return false;
    }
    const fault = this.takeFault(exchange);
    if (fault) {
      answerFault(exchange, fault);
      return false;
    }
    this.rateLimitRemaining--;
    return true;
  }

  private takeFault(exchange: Exchange): GitHubFault | undefined {
    const { method, pathname } = exchange;
    const i = this.faults.findIndex(
      ({ match }) =>
        (!match.method || match.method.toUpperCase() === method) &&
        (!match.path ||
          (typeof match.path === 'string' ? match.path === pathname : match.path.test(pathname))),
    );
    return i >= 0 ? this.faults.splice(i, 1)[0]?.fault : undefined;
  }
}

function answerFault(exchange: Exchange, fault: GitHubFault): void {
  switch (fault.kind) {
    case 'reset':
      return exchange.drop();
    case 'hang':
      return exchange.hang();
    case 'status':
      return exchange.error(
        fault.status,
        fault.status >= 500 ? 'Server Error' : `Stand-in fault ${fault.status}`,
      );
    case 'secondary-rate-limit':
      return exchange.error(
        fault.status ?? 403,
        SECONDARY_RATE_LIMIT_MESSAGE,
        {},
        { 'retry-after': String(fault.retryAfter ?? 1) },
      );
    case 'rate-limit':
      return exchange.error(
        403,
        'API rate limit exceeded for installation ID 1.',
        {},
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + (fault.resetIn ?? 1)),
        },
      );
  }
}
