import { GitHub } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { budgetHook, createRequestBudget, waitFits } from './request-budget';

/**
 * Octokit as @actions/github builds it (REST methods, pagination, proxy support), plus throttling
 * and retries: @actions/github alone has neither (REFERENCE §3).
 */
const ThrottledGitHub = GitHub.plugin(throttling, retry);

export type GitHubClient = InstanceType<typeof ThrottledGitHub>;

export interface GitHubClientOptions {
  readonly token: string;
  /** REST API root; actions pass GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3). */
  readonly baseUrl?: string;
  readonly userAgent?: string;
  /** Where rate-limit waits and retries are reported (e.g. rt.info). */
  readonly log?: (message: string) => void;
  /** Retries after a 5xx / network error, and after a rate limit. Default 3. */
  readonly retries?: number;
  /**
   * Milliseconds per unit of the plugins' waits: 1000 in production (retries wait 1, 4, 9 s and a
   * rate limit waits its `retry-after` seconds); tests pass a few ms so faults stay fast.
   */
  readonly waitUnitMs?: number;
  /** Longest rate-limit wait (seconds) worth sitting out; a longer one fails the request. Default 60. */
  readonly maxRateLimitWaitSeconds?: number;
  /**
   * Minimum spacing (ms) between writes, and between notification-making writes (issues,
   * comments). Default: the throttling plugin's 1000 / 3000, which GitHub's secondary limits ask
   * for; tests pass 0.
   */
  readonly writeSpacingMs?: { readonly write: number; readonly notifications: number };
  /**
   * Milliseconds for all GitHub requests of this client together, counted from its creation:
   * retries and rate-limit waits included. Past it, requests fail at once as timeouts. Default: none.
   */
  readonly budgetMs?: number;
  /** Longest wait for one attempt of one request. Default 20 s (and never past the budget). */
  readonly requestTimeoutMs?: number;
}

/** What incident-issues needs to know about a client it did not build. */
export interface ClientSettings {
  readonly waitUnitMs: number;
}

const settings = new WeakMap<object, ClientSettings>();

export function clientSettings(client: GitHubClient): ClientSettings {
  return settings.get(client) ?? { waitUnitMs: 1000 };
}

export const DEFAULT_API_URL = 'https://api.github.com';

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const log = options.log ?? (() => undefined);
  const retries = options.retries ?? 3;
  const unit = options.waitUnitMs ?? 1000;
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const budget = createRequestBudget({
    ...(options.budgetMs !== undefined ? { totalMs: options.budgetMs } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      // Paginated requests carry the absolute URL of the next page: log its path only.
      const what = `${request.method} ${request.url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '')}`;
      if (retryCount >= retries) {
        log(`GitHub ${kind} on ${what}: giving up after ${retryCount} retries.`);
        return false;
      }
      if (retryAfter > maxWait) {
        log(`GitHub ${kind} on ${what}: reset in ${retryAfter} s is too far away to wait for.`);
        return false;
      }
      if (!waitFits(budget, retryAfter * unit)) {
        log(
          `GitHub ${kind} on ${what}: a wait of ${retryAfter} s does not fit in the github-timeout budget.`,
        );
        return false;
      }
      log(`GitHub ${kind} on ${what}: waiting ${retryAfter} s before retry ${retryCount + 1}/${retries}.`);
      return true;
    };
  const client = new ThrottledGitHub({
    auth: `token ${options.token}`,
    baseUrl: (options.baseUrl || DEFAULT_API_URL).replace(/\/+$/, ''),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    // Octokit's own console logging would print request failures we already report once.
    log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
    retry: { retries, retryAfterBaseValue: unit },
    throttle: {
      retryAfterBaseValue: unit,
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...(options.writeSpacingMs
        ? {
            write: spacedGroup(options.writeSpacingMs.write),
            notifications: spacedGroup(options.writeSpacingMs.notifications),
          }
        : {}),
    },
  });
  client.hook.wrap('request', budgetHook(budget, { retries, waitUnitMs: unit }));
  settings.set(client, { waitUnitMs: unit });
  return client;
}

type ThrottleGroup = NonNullable<ThrottlingOptions['write']>;

/**
 * The part of a Bottleneck group the throttling plugin uses for write spacing (`key(id).schedule(
 * options, fn)`), with a configurable spacing: the plugin's own groups are process-wide singletons
 * with fixed spacing, and Bottleneck is not ours to import.
 */
function spacedGroup(minTimeMs: number): ThrottleGroup {
  let next = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const limiter = {
    schedule: (...args: unknown[]) => {
      const [fn, ...rest] = (typeof args[0] === 'function' ? args : args.slice(1)) as [
        (...a: unknown[]) => unknown,
        ...unknown[],
      ];
      const run = queue.then(async () => {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next = Date.now() + minTimeMs;
        return fn(...rest);
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return { key: () => limiter } as unknown as ThrottleGroup;
}
