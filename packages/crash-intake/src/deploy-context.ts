import { oneLine } from '@sre-toolkit/action';
import { escapeMarkdown } from '@sre-toolkit/discord';
import {
  createGitHubClient,
  deployLookup,
  deploySentence,
  deployedVersion,
  describeGitHubError,
  isTimeoutError,
  networkFailure,
  statusOf,
  type DeployFormat,
  type DeployInfo,
  type GitHubClient,
} from '@sre-toolkit/github';
import type { DeployConfig } from './deploy-config';

/**
 * Issue #14 on crash-intake: a real-time alert names the deploy that shipped the crashing version
 * shortly before the group began — "🚀 Began 12 min after **mara 2.4.1** reached production
 * (deploy #412 by @octocat, commit abc1234); crashing in that version", as crash-digest says it.
 *
 * Bounded both ways. Requests: one listing of the environment's newest deployments serves every
 * alert for a minute (a storm of new groups costs one listing, not one per alert), and the
 * statuses of a deployment that succeeded are kept. Time: an alert waits at most `timeoutMs` for
 * the lookup; if GitHub is slow, down or refuses the token, the alert goes out without the line
 * and `/health` (check `github:deployments`) and the log say why. The token is never written.
 */

/** What an alert's lookup needs: when its groups began and their app versions. */
export interface AlertFacts {
  readonly start: number;
  readonly versions: readonly string[];
}

export interface DeployContextOptions extends DeployConfig {
  readonly userAgent: string;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
  /** How long one listing (or one failure to list) serves. Default a minute. */
  readonly cacheMs?: number;
}

export interface DeployContextCheck {
  readonly status: 'pass' | 'warn';
  readonly output?: string;
}

type Json = Record<string, unknown>;
interface Cached<T> {
  readonly at: number;
  readonly data: Promise<T>;
}

/** Deployments listed per lookup: a few releases back, enough to find the version that crashes. */
const LIST_SIZE = 20;

class LookupTimeout extends Error {}

const DISCORD: DeployFormat = { text: escapeMarkdown, strong: (t) => `**${escapeMarkdown(t)}**` };

export class DeployContext {
  private readonly client: GitHubClient;
  private readonly now: () => number;
  private readonly cacheMs: number;
  private listing: Cached<Json[]> | undefined;
  private readonly statuses = new Map<number, Cached<Json[]>>();
  private lastError: string | undefined;
  /** Requests sent to GitHub (for `/health`): a storm must not raise it much. */
  requests = 0;

  constructor(private readonly o: DeployContextOptions) {
    this.now = o.now ?? Date.now;
    this.cacheMs = o.cacheMs ?? 60_000;
    this.client = createGitHubClient({
      token: o.token,
      baseUrl: o.apiUrl,
      userAgent: o.userAgent,
      // An alert does not wait for retries or rate limits: it goes out without the context.
      retries: 0,
      maxRateLimitWaitSeconds: 0,
      requestTimeoutMs: o.timeoutMs,
      log: (m) => this.log(`GitHub: ${m}`),
    });
  }

  /** The alert's deploy line, or undefined (none matched, or GitHub failed: then logged). */
  async line(facts: AlertFacts): Promise<string | undefined> {
    const versions = facts.versions.filter((v) => v && v !== 'unknown');
    if (!versions.length) return undefined;
    const start = new Date(facts.start);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LookupTimeout()), this.o.timeoutMs);
      timer.unref();
    });
    try {
      const found = await Promise.race([this.lookup(start, versions), bound]);
      this.lastError = undefined;
      return found && `🚀 ${deploySentence(found, start, 'Began', DISCORD)}; crashing in that version`;
    } catch (error) {
      this.lastError = this.explain(error);
      this.log(`Alert sent without deploy context: ${this.lastError}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** `/health`'s `github:deployments`: warn while the last lookup failed, with the reason. */
  check(): DeployContextCheck {
    return this.lastError ? { status: 'warn', output: this.lastError } : { status: 'pass' };
  }

  /** The newest deploy of one of `versions` that succeeded within the window before `start`. */
  private lookup(start: Date, versions: readonly string[]): Promise<DeployInfo | undefined> {
    const matches = (d: Json) => versions.some((v) => shipped(d, v));
    // deployLookup reads exactly these two routes: served from the caches, the listing narrowed
    // to the deployments of the crashing versions (so an unrelated newer deploy does not hide them).
    const view = {
      rest: {
        repos: {
          listDeployments: async () => ({ data: (await this.list()).filter(matches) }),
          listDeploymentStatuses: async (p: { deployment_id: number }) => ({
            data: await this.statusesOf(p.deployment_id),
          }),
        },
      },
    } as unknown as GitHubClient;
    return deployLookup(view, {
      owner: this.o.owner,
      repo: this.o.repo,
      environment: this.o.environment,
      windowMs: this.o.windowMs,
      listSize: LIST_SIZE,
    })(start);
  }

  private list(): Promise<Json[]> {
    const now = this.now();
    if (this.listing && now - this.listing.at < this.cacheMs) return this.listing.data;
    this.requests++;
    const data = this.client.rest.repos
      .listDeployments({
        owner: this.o.owner,
        repo: this.o.repo,
        environment: this.o.environment,
        per_page: LIST_SIZE,
      })
      .then(({ data: list }) => {
        const listed = list as unknown as Json[];
        // Statuses are kept only for deployments still listed.
        const ids = new Set(listed.map((d) => d.id));
        for (const id of this.statuses.keys()) if (!ids.has(id)) this.statuses.delete(id);
        return listed;
      });
    data.catch(() => undefined);
    this.listing = { at: now, data };
    return data;
  }

  private statusesOf(id: number): Promise<Json[]> {
    const now = this.now();
    const known = this.statuses.get(id);
    if (known && now - known.at < this.cacheMs) return known.data;
    this.requests++;
    const data = this.client.rest.repos
      .listDeploymentStatuses({ owner: this.o.owner, repo: this.o.repo, deployment_id: id, per_page: 10 })
      .then(({ data: list }) => {
        const listed = list as unknown as Json[];
        // A success is history: kept (until the deployment leaves the listing), never read again.
        if (listed.some((s) => s.state === 'success')) this.statuses.set(id, { at: Infinity, data });
        return listed;
      });
    data.catch(() => this.statuses.delete(id));
    this.statuses.set(id, { at: now, data });
    return data;
  }

  /** Why the lookup failed, for the log and `/health`: what to fix, in the server's own terms. */
  private explain(error: unknown): string {
    const repository = `${this.o.owner}/${this.o.repo}`;
    let text: string;
    if (error instanceof LookupTimeout || isTimeoutError(error))
      text = `GitHub did not answer within ${this.o.timeoutMs} ms (CRASH_DEPLOY_TIMEOUT) listing deployments of ${repository}`;
    else if (networkFailure(error))
      text = describeGitHubError(error, `listing deployments of ${repository} at ${this.o.apiUrl}`);
    else if (statusOf(error) === 401)
      text =
        'GitHub rejected GITHUB_TOKEN (401): it is invalid or expired; set a token that can read deployments';
    else if (statusOf(error) === 404 || (statusOf(error) === 403 && !/rate limit/i.test(String(error))))
      text = `GitHub answered ${statusOf(error)} listing deployments of ${repository}: check GITHUB_REPOSITORY and that GITHUB_TOKEN may read its deployments (fine-grained token: Deployments read)`;
    // The lookup never retries (an alert does not wait for it): no "(after retries)" here.
    else
      text = describeGitHubError(error, `listing deployments of ${repository}`).replace(
        ' (after retries)',
        '',
      );
    // Defence in depth: whatever an error carried, the token is not repeated.
    return oneLine(text.split(this.o.token).join('***'));
  }

  private log(line: string): void {
    this.o.log?.(line.split(this.o.token).join('***'));
  }
}

/** Whether a raw deployment shipped `version` (its payload version or tag; `2.4.1+88` also as `2.4.1`). */
function shipped(d: Json, version: string): boolean {
  const payload = d.payload && typeof d.payload === 'object' ? (d.payload as Json) : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  // deployedVersion compares the version and the ref; the rest is not known before the statuses.
  const info: DeployInfo = {
    id: 0,
    environment: '',
    ref: text(d.ref),
    sha: '',
    version: text(payload.version) || text(payload.app_version),
    app: '',
    creator: '',
    succeededAt: '',
  };
  const core = version.replace(/\+.*$/, '');
  return deployedVersion(info, version) || (core !== version && deployedVersion(info, core));
}
