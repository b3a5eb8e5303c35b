import {
  createGitHubClient,
  describeGitHubError,
  type GitHubClient,
  type GitHubClientOptions,
} from '@sre-toolkit/github';
import { createBranch, FileConflictError, readBranchFile, writeBranchFile } from './branch-file';
import {
  applyChange,
  emptyState,
  parseState,
  serializeState,
  type HealthState,
  type StateChange,
} from './state';

/**
 * The state file on its branch, through the contents API: one GET to read, one PUT to write with
 * the blob sha read (GitHub refuses a write over a version the run did not see). On a conflict the
 * run re-reads, applies its own change to what is there now, and writes once more: at most four
 * requests in the common case; the first run of a repository also creates the branch.
 */

export const STATE_FILE = 'health-probe.json';

export type StateRead =
  | { readonly kind: 'ok'; readonly state: HealthState; readonly fresh: boolean }
  | { readonly kind: 'unavailable'; readonly warning: string };

export type StateWrite =
  | { readonly kind: 'saved'; readonly retried: boolean }
  | { readonly kind: 'failed'; readonly warning: string };

export interface StateStore {
  read(now: Date): Promise<StateRead>;
  write(change: StateChange, now: Date): Promise<StateWrite>;
  /** GitHub requests made so far (for the log and the bench). */
  readonly requests: () => number;
}

export interface StateLocation {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  /** The commit to start a missing branch from (the run's GITHUB_SHA), and the branch whose head is the fallback. */
  readonly fromSha: string;
  readonly fallbackBranch: string;
}

const PERMISSION = 'contents: write';

export function githubStateStore(client: GitHubClient, where: StateLocation): StateStore {
  const file = { owner: where.owner, repo: where.repo, branch: where.branch, path: STATE_FILE };
  let requests = 0;
  let sha: string | undefined;
  let branchExists = true;
  let base: HealthState | undefined;
  const counted = <T>(promise: Promise<T>) => {
    requests++;
    return promise;
  };

  const load = async (now: Date): Promise<HealthState> => {
    const got = await counted(readBranchFile(client, file));
    if (got.kind === 'missing') {
      sha = undefined;
      branchExists = got.branch;
      return emptyState(now);
    }
    sha = got.sha;
    branchExists = true;
    requests += got.requests - 1;
    const parsed = parseState(got.text);
    if ('error' in parsed) throw new CorruptState(parsed.error);
    return parsed.value;
  };

  const put = async (state: HealthState) => {
    if (!branchExists) {
      // createBranch makes one request, or two when the run's commit is unknown to GitHub.
      requests++;
      await createBranch(client, file, { sha: where.fromSha, fallback: where.fallbackBranch });
      branchExists = true;
    }
    const saved = await counted(
      writeBranchFile(client, file, {
        text: serializeState(state),
        ...(sha ? { sha } : {}),
        message: 'health-probe: record a run',
      }),
    );
    sha = saved.sha;
  };

  return {
    requests: () => requests,
    async read(now) {
      try {
        base = await load(now);
        return { kind: 'ok', state: base, fresh: sha === undefined };
      } catch (error) {
        return { kind: 'unavailable', warning: unavailable(error, 'reading') };
      }
    },
    async write(change, now) {
      if (!base) return { kind: 'failed', warning: 'The state was not read, so it is not written.' };
      try {
        try {
          await put(applyChange(base, change, now));
          return { kind: 'saved', retried: false };
        } catch (error) {
          if (!(error instanceof FileConflictError)) throw error;
        }
        // Another run wrote in between: apply this run's change to its version instead.
        base = await load(now);
        await put(applyChange(base, change, now));
        return { kind: 'saved', retried: true };
      } catch (error) {
        if (error instanceof FileConflictError) {
          return {
            kind: 'failed',
            warning: `The state on branch ${where.branch} kept changing while this run wrote it (another run?); this run's results are not remembered.`,
          };
        }
        return { kind: 'failed', warning: unavailable(error, 'writing') };
      }
    },
  };

  function unavailable(error: unknown, doing: 'reading' | 'writing'): string {
    if (error instanceof CorruptState) {
      return `The state file ${STATE_FILE} on branch ${where.branch} ${error.message}; running without memory this run (fix or delete the file to start fresh).`;
    }
    const why = describeGitHubError(error, `${doing} the state on branch ${where.branch}`, PERMISSION);
    return `${why} Running without memory this run${doing === 'writing' ? ' (its results are not remembered)' : ''}.`;
  }
}

class CorruptState extends Error {}

export function createStateStore(options: GitHubClientOptions & StateLocation): StateStore {
  return githubStateStore(createGitHubClient(options), options);
}
