/**
 * Time limits for GitHub requests: each attempt has its own timeout, and all of a run's GitHub work
 * shares one budget, so a GitHub that accepts connections and never answers costs a bounded time
 * and the action still gets to send its alert.
 */

/** Longest wait for one attempt of one request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/** Below this, a retry (or a rate-limit wait) is not worth starting: the budget would cut it. */
const MIN_ATTEMPT_MS = 1_000;

/**
 * A request that ran out of time. Named `AbortError` on purpose: @octokit/request passes such an
 * error through unchanged (any other fetch failure becomes a "500" RequestError) and plugin-retry
 * does not retry it, so a hung GitHub is not waited for a second time.
 */
export class GitHubTimeoutError extends Error {
  override readonly name = 'AbortError';
  readonly timeout = true;
  constructor(
    message: string,
    /** `request`: one attempt took too long; `budget`: the run's GitHub budget is used up. */
    readonly reason: 'request' | 'budget',
    /** Which request, as on octokit's RequestError (callers word errors by the URL). */
    readonly request: { method: string; url: string },
  ) {
    super(message);
  }
}

/** True for our own timeouts, and for fetch's abort/timeout errors anywhere in the cause chain. */
export function isTimeoutError(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof GitHubTimeoutError) return true;
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    const code = (e as { code?: unknown }).code;
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ETIMEDOUT')
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface RequestBudget {
  /** Milliseconds left of the whole budget (Infinity without one). */
  left(): number;
  readonly requestTimeoutMs: number;
  readonly totalMs: number | undefined;
}

export function createRequestBudget(options: {
  totalMs?: number;
  requestTimeoutMs?: number;
  now?: () => number;
}): RequestBudget {
  const now = options.now ?? Date.now;
  const start = now();
  const totalMs = options.totalMs;
  return {
    left: () => (totalMs === undefined ? Infinity : totalMs - (now() - start)),
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    totalMs,
  };
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function budgetError(budget: RequestBudget, what: Named): GitHubTimeoutError {
  return new GitHubTimeoutError(
    `${what.name} not answered: the ${seconds(budget.totalMs ?? 0)} budget for GitHub requests in this run (github-timeout) is used up.`,
    'budget',
    what.request,
  );
}

interface Named {
  readonly name: string;
  readonly request: { method: string; url: string };
}

function named(options: { method?: string; url?: string }): Named {
  return { name: requestName(options), request: { method: options.method ?? 'GET', url: options.url ?? '' } };
}

/** `GET /repos/{owner}/{repo}/issues`, without host or query (paginated URLs are absolute). */
export function requestName(options: { method?: string; url?: string }): string {
  const path = (options.url ?? '').replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '');
  return `${options.method ?? 'GET'} ${path}`;
}

type Fetch = typeof globalThis.fetch;

/** fetch with a timeout of min(budget left, per-request timeout) per attempt. */
function timedFetch(inner: Fetch, budget: RequestBudget, what: Named): Fetch {
  return async (input, init) => {
    const left = budget.left();
    if (left <= 0) throw budgetError(budget, what);
    const ms = Math.min(left, budget.requestTimeoutMs);
    const controller = new AbortController();
    // Not cleared when the headers arrive: the timer also bounds reading the body. Unref'd, so a
    // pending one never keeps the process alive.
    setTimeout(() => controller.abort(), ms).unref();
    const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    try {
      return await inner(input, { ...init, signal });
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      throw ms < budget.requestTimeoutMs
        ? budgetError(budget, what)
        : new GitHubTimeoutError(`${what.name} not answered within ${seconds(ms)}.`, 'request', what.request);
    }
  };
}

interface RequestOptionsLike {
  method?: string;
  url?: string;
  request?: { fetch?: Fetch; retries?: number; retryCount?: number; [option: string]: unknown };
}

/**
 * The octokit `request` hook that applies the budget. Registered after the retry and throttling
 * plugins, it wraps them, so it bounds their retries and waits too.
 */
export function budgetHook(budget: RequestBudget, retry: { retries: number; waitUnitMs: number }) {
  return async <O extends RequestOptionsLike, R>(
    request: (options: O) => R | Promise<R>,
    options: O,
  ): Promise<R> => {
    const what = named(options);
    if (budget.left() <= 0) throw budgetError(budget, what);
    const given = options.request ?? {};
    const req: NonNullable<RequestOptionsLike['request']> = {
      ...given,
      fetch: timedFetch(given.fetch ?? globalThis.fetch, budget, what),
    };
    const wanted = typeof given.retries === 'number' ? given.retries : retry.retries;
    // plugin-retry reads `request.retries` after each failure and then waits (n+1)² units: retry
    // only while that wait still leaves time for an attempt, so retries never outlast the budget.
    // Not enumerable: copied into the error's request, it would make plugin-retry retry a 401 too.
    Object.defineProperty(req, 'retries', {
      enumerable: false,
      configurable: true,
      get(this: { retryCount?: number }) {
        const done = this.retryCount ?? 0;
        const wait = (done + 1) ** 2 * retry.waitUnitMs;
        return budget.left() > wait + MIN_ATTEMPT_MS ? wanted : Math.min(done, wanted);
      },
    });
    options.request = req;
    const left = budget.left();
    if (!Number.isFinite(left)) return await request(options);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(budgetError(budget, what)), left);
      timer.unref();
    });
    try {
      return await Promise.race([Promise.resolve(request(options)), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Whether a rate-limit wait of `ms` fits in what is left of the budget. */
export function waitFits(budget: RequestBudget, ms: number): boolean {
  return budget.left() > ms + MIN_ATTEMPT_MS;
}
