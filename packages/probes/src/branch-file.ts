import { statusOf, type GitHubClient } from '@sre-toolkit/github';

/**
 * One file on one branch, through the repository contents API: read with its blob `sha`, written
 * with the `sha` it was read at, so that GitHub refuses (409, or 422 when the file appeared) a
 * write over a version the writer never saw. A missing branch is created from a commit.
 */

export interface FileRef {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  readonly path: string;
}

export type ReadFile =
  /** `requests`: 2 when the file is over 1 MB and its text had to be fetched raw. */
  | { readonly kind: 'found'; readonly text: string; readonly sha: string; readonly requests: number }
  /** `branch: false` when the branch itself does not exist (so a write must create it first). */
  | { readonly kind: 'missing'; readonly branch: boolean };

/** GET /repos/{owner}/{repo}/contents/{path}?ref={branch}: one request. */
export async function readBranchFile(client: GitHubClient, file: FileRef): Promise<ReadFile> {
  try {
    const { data } = await client.rest.repos.getContent({
      owner: file.owner,
      repo: file.repo,
      path: file.path,
      ref: file.branch,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      throw new Error(`${file.path} on ${file.branch} is not a file`);
    }
    if (data.encoding === 'none') {
      // Over 1 MB, GitHub sends the sha without the content; the raw media type has the text.
      // Should the file change between the two reads, the write with the older sha conflicts.
      const raw = await client.rest.repos.getContent({
        owner: file.owner,
        repo: file.repo,
        path: file.path,
        ref: file.branch,
        mediaType: { format: 'raw' },
      });
      return { kind: 'found', text: String(raw.data as unknown), sha: data.sha, requests: 2 };
    }
    const text = Buffer.from(data.content, 'base64').toString('utf8');
    return { kind: 'found', text, sha: data.sha, requests: 1 };
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    // GitHub's words for a ref that does not exist, as opposed to a file that does not.
    const missingRef = /No commit found for the ref/i.test(messageOf(error));
    return { kind: 'missing', branch: !missingRef };
  }
}

/** Raised by `writeBranchFile` when someone else wrote the file since it was read. */
export class FileConflictError extends Error {
  override readonly name = 'FileConflictError';
}

/**
 * PUT /repos/{owner}/{repo}/contents/{path}: one request. `sha` is the version read (none for a new
 * file). Throws FileConflictError on 409 / 422-without-sha, so the caller re-reads and merges.
 */
export async function writeBranchFile(
  client: GitHubClient,
  file: FileRef,
  change: { readonly text: string; readonly sha?: string; readonly message: string },
): Promise<{ sha: string }> {
  try {
    const { data } = await client.rest.repos.createOrUpdateFileContents({
      owner: file.owner,
      repo: file.repo,
      path: file.path,
      branch: file.branch,
      message: change.message,
      content: Buffer.from(change.text, 'utf8').toString('base64'),
      ...(change.sha ? { sha: change.sha } : {}),
      // A conflict is an answer, not a fault: retrying the same sha can only conflict again.
      request: { retries: 0 },
    });
    return { sha: data.content?.sha ?? '' };
  } catch (error) {
    const status = statusOf(error);
    if (status === 409 || (status === 422 && /sha/i.test(messageOf(error)))) {
      throw new FileConflictError(`${file.path} on ${file.branch} changed since it was read`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Creates `branch` at commit `sha` (POST /git/refs). When that commit is unknown to GitHub, it
 * starts from the head of `fallback` instead (one more read). A branch that already exists (a
 * concurrent run made it) is fine.
 */
export async function createBranch(
  client: GitHubClient,
  ref: { readonly owner: string; readonly repo: string; readonly branch: string },
  from: { readonly sha: string; readonly fallback: string },
): Promise<void> {
  const create = (sha: string) =>
    client.rest.git.createRef({ owner: ref.owner, repo: ref.repo, ref: `refs/heads/${ref.branch}`, sha });
  try {
    if (from.sha) {
      await create(from.sha);
      return;
    }
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    if (/already exists/i.test(messageOf(error))) return;
  }
  // The branch in the path itself: octokit would encode the slash of `heads/…` in a {ref} parameter.
  const { data } = await client.request('GET /repos/{owner}/{repo}/git/ref/heads/{branch}', {
    owner: ref.owner,
    repo: ref.repo,
    branch: from.fallback,
  });
  try {
    await create(data.object.sha);
  } catch (error) {
    if (statusOf(error) === 422 && /already exists/i.test(messageOf(error))) return;
    throw error;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
