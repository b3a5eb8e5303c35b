import type { GitHub } from '@actions/github/lib/utils';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import type { LightOctokitInstance } from './octokit';
import { budgetHook, createRequestBudget, waitFits } from './request-budget';
import { ROUTES, type Routes } from './routes';

/** The octokit API as @actions/github types it (types only: nothing of it is loaded). */
type FullOctokit = InstanceType<typeof GitHub>;

/**
 * A GitHub client: octokit's REST methods (the routes of routes.ts), pagination, GraphQL, request
 * hooks, with throttling and retries (@actions/github alone has neither, REFERENCE §3).
 *
 * Creating one costs nothing: the octokit code loads with the first request (an action that never
 * calls GitHub never loads it), and it is @octokit/core with only the plugins used.
 */
export interface GitHubClient {
  readonly rest: {
    readonly [NS in keyof Routes]: Pick<
      FullOctokit['rest'][NS],
      keyof Routes[NS] & keyof FullOctokit['rest'][NS]
    >;
  };
  readonly paginate: FullOctokit['paginate'];
  readonly request: FullOctokit['request'];
  readonly graphql: FullOctokit['graphql'];
  readonly hook: Pick<FullOctokit['hook'], 'before' | 'after' | 'error' | 'wrap'>;
}

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
   * for; tests pass 0. Test-only: SRE_TOOLKIT_TEST_GITHUB_WRITE_SPACING_MS in the environment sets
   * both when this is not given (integration tests run the bundle, where no option reaches here).
   */
  readonly writeSpacingMs?: { readonly write: number; readonly notifications: number };
  /**
   * Milliseconds for all GitHub requests of this client together, counted from its creation:
   * retries and rate-limit waits included. Past it, requests fail at once as timeouts. Default: none.
   */
  readonly budgetMs?: number;
  /** Longest wait for one attempt of one request. Default 20 s (and never past the budget). */
  readonly requestTimeoutMs?: number;
  /** Where proxy settings and the test-only spacing are read. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
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
  const env = options.env ?? process.env;
  const spacing = options.writeSpacingMs ?? testWriteSpacing(env);
  const load = async (): Promise<LightOctokitInstance> => {
    // "eager": octokit stays in the entry file, evaluated only here. Loading it as two more ES
    // module files (its own chunk and a vendor chunk) cost more than V8's pre-parse of the ~75 KB
    // it adds to the entry on a run that never calls GitHub (docs/architecture.md, "Start-up").
    const { LightOctokit, fetchFor } = await import(/* webpackMode: "eager" */ './octokit');
    const octokit = new LightOctokit({
      auth: `token ${options.token}`,
      baseUrl: (options.baseUrl || DEFAULT_API_URL).replace(/\/+$/, ''),
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      request: { fetch: await fetchFor(env) },
      // Octokit's own console logging would print request failures we already report once.
      log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
      retry: { retries, retryAfterBaseValue: unit },
      throttle: {
        retryAfterBaseValue: unit,
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        ...(spacing
          ? { write: spacedGroup(spacing.write), notifications: spacedGroup(spacing.notifications) }
          : {}),
      },
    });
    octokit.hook.wrap('request', budgetHook(budget, { retries, waitUnitMs: unit }));
    return octokit;
  };
  const client = lazyClient(load);
  settings.set(client, { waitUnitMs: unit });
  return client;
}

/** SRE_TOOLKIT_TEST_GITHUB_WRITE_SPACING_MS: for tests only, see writeSpacingMs. */
export function testWriteSpacing(env: NodeJS.ProcessEnv): GitHubClientOptions['writeSpacingMs'] {
  const raw = env.SRE_TOOLKIT_TEST_GITHUB_WRITE_SPACING_MS?.trim();
  if (!raw || !/^\d{1,6}$/.test(raw)) return undefined;
  return { write: Number(raw), notifications: Number(raw) };
}

type Hooks = GitHubClient['hook'];
type Params = Record<string, unknown> | undefined;
type AddHook = (name: 'request', fn: never) => void;
interface UntypedOctokit {
  request(route: string, params: Params): Promise<unknown>;
  paginate: ((route: string, params: Params, map: unknown) => Promise<unknown>) & {
    iterator(route: string, params: Params): AsyncIterable<unknown>;
  };
  graphql(query: string, params: Params): Promise<unknown>;
  hook: { before: AddHook; after: AddHook; error: AddHook; wrap: AddHook };
}

/**
 * The client's surface, before octokit is loaded: each call loads it once (one promise shared by
 * concurrent first calls), then forwards. Hooks registered before loading are added, in order,
 * to the octokit when it arrives, after the client's own (budget) hook, as they were before.
 */
function lazyClient(loadTyped: () => Promise<LightOctokitInstance>): GitHubClient {
  // Forwarding is untyped inside: the public types are GitHubClient's.
  const load = loadTyped as unknown as () => Promise<UntypedOctokit>;
  let loaded: UntypedOctokit | undefined;
  let loading: Promise<UntypedOctokit> | undefined;
  const pending: ((o: UntypedOctokit) => void)[] = [];
  const octokit = () =>
    (loading ??= load().then((o) => {
      loaded = o;
      for (const add of pending.splice(0)) add(o);
      return o;
    }));
  const onOctokit = (add: (o: UntypedOctokit) => void) => {
    if (loaded) add(loaded);
    else pending.push(add);
  };
  const routeOf = (target: unknown): string => {
    const route = typeof target === 'function' ? (target as { route?: unknown }).route : target;
    if (typeof route !== 'string') throw new TypeError('paginate takes a client.rest method or a route');
    return route;
  };
  const rest = Object.fromEntries(
    Object.entries(ROUTES).map(([ns, methods]) => [
      ns,
      Object.fromEntries(
        Object.entries(methods).map(([name, route]) => [
          name,
          Object.assign(
            async (params?: Record<string, unknown>) => (await octokit()).request(route, params),
            { route },
          ),
        ]),
      ),
    ]),
  ) as unknown as GitHubClient['rest'];
  const paginate = Object.assign(
    async (target: unknown, params?: Record<string, unknown>, map?: (...a: never[]) => unknown) =>
      (await octokit()).paginate(routeOf(target), params, map),
    {
      iterator: (target: unknown, params?: Record<string, unknown>) => ({
        async *[Symbol.asyncIterator]() {
          yield* (await octokit()).paginate.iterator(routeOf(target), params);
        },
      }),
    },
  ) as unknown as GitHubClient['paginate'];
  const request = (async (route: string, params?: Record<string, unknown>) =>
    (await octokit()).request(route, params)) as unknown as GitHubClient['request'];
  const graphql = (async (query: string, params?: Record<string, unknown>) =>
    (await octokit()).graphql(query, params)) as unknown as GitHubClient['graphql'];
  const hook: Hooks = {
    before: ((name: 'request', fn: never) => onOctokit((o) => o.hook.before(name, fn))) as Hooks['before'],
    after: ((name: 'request', fn: never) => onOctokit((o) => o.hook.after(name, fn))) as Hooks['after'],
    error: ((name: 'request', fn: never) => onOctokit((o) => o.hook.error(name, fn))) as Hooks['error'],
    wrap: ((name: 'request', fn: never) => onOctokit((o) => o.hook.wrap(name, fn))) as Hooks['wrap'],
  };
  return { rest, paginate, request, graphql, hook };
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
