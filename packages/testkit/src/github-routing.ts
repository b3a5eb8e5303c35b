import type { StoredRepository } from './github-model';
import type { Exchange } from './github-http';
import { GitHubObjects } from './github-objects';
import { paginate, type Page } from './github-queries';
import type { GitHubStore } from './github-store';

/** What a route handler gets: the request, the data and the repository the path names. */
export interface RouteContext {
  readonly exchange: Exchange;
  readonly store: GitHubStore;
  readonly repo: StoredRepository;
  readonly objects: GitHubObjects;
  /** The route pattern's captures, URL-decoded; `undefined` for an optional group that is absent. */
  readonly params: readonly (string | undefined)[];
  /** One page of `items` as the request asks for it; `cap` stops at 1,000 results. */
  page<T>(items: readonly T[], cap?: boolean): Page<T>;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Matched against the path after `/repos/{owner}/{repo}`. */
  readonly path: RegExp;
  /** The token's `issues` permission the route needs, if that permission guards it. */
  readonly issues?: 'read' | 'write';
  /** The token's `contents` permission the route needs, if that permission guards it. */
  readonly contents?: 'read' | 'write';
  /** The token's `deployments` permission the route needs, if that permission guards it. */
  readonly deployments?: 'read' | 'write';
  handle(context: RouteContext): void;
}

/** GitHub's 422 for a body that breaks a rule of the resource. */
export function validationFailed(exchange: Exchange, resource: string, field: string, code: string): void {
  exchange.error(422, 'Validation Failed', { errors: [{ resource, code, field }] });
}

/** Answers a request under `/repos/{owner}/{repo}` by the first route that matches, else 404. */
export function routeRequest(
  exchange: Exchange,
  routes: readonly Route[],
  store: GitHubStore,
  access: { allows(permission: 'read' | 'write', scope?: 'issues' | 'contents' | 'deployments'): boolean },
  htmlBase: string,
): void {
  const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(exchange.pathname);
  if (!m) return exchange.error(404, 'Not Found');
  const repo = store.repositories.get(`${m[1]}/${m[2]}`);
  if (!repo) return exchange.error(404, 'Not Found');
  const rest = m[3] ?? '';
  for (const route of routes) {
    const match = route.method === exchange.method ? route.path.exec(rest) : null;
    if (!match) continue;
    if (
      (route.issues && !access.allows(route.issues, 'issues')) ||
      (route.contents && !access.allows(route.contents, 'contents')) ||
      (route.deployments && !access.allows(route.deployments, 'deployments'))
    )
      return exchange.error(403, 'Resource not accessible by integration');
    return route.handle({
      exchange,
      store,
      repo,
      objects: new GitHubObjects(exchange.base, htmlBase),
      params: match.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p))),
      page: (items, cap) => paginate(items, exchange, cap),
    });
  }
  exchange.error(404, 'Not Found');
}
