import { createHash } from 'node:crypto';
import type { StoredRepository } from './github-model';
import type { JsonObject } from './github-objects';
import { validationFailed, type Route, type RouteContext } from './github-routing';
import type { GitHubStore } from './github-store';

/**
 * The repository contents API and the branch references behind it: files per branch, read with
 * `GET /contents/{path}?ref=`, written with `PUT /contents/{path}` (the blob `sha` of the version
 * the writer read gives optimistic concurrency: 409 when it is not the current one, 422 when an
 * existing file is written without it), directories listed, and `git/ref` / `git/refs` to find and
 * create a branch. Shas are real git blob shas, so a client may compare them with its own.
 */

interface StoredFile {
  readonly content: Buffer;
  readonly sha: string;
}

interface StoredBranch {
  commit: string;
  readonly files: Map<string, StoredFile>;
}

/** The branches of every repository of one stand-in, kept beside its store. */
const trees = new WeakMap<GitHubStore, Map<string, Map<string, StoredBranch>>>();
let commits = 0;

const nextCommitSha = (): string =>
  createHash('sha1').update(`commit ${++commits} ${process.pid}`).digest('hex');

export const blobSha = (content: Buffer): string =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

function branchesOf(store: GitHubStore, repo: StoredRepository): Map<string, StoredBranch> {
  let byRepo = trees.get(store);
  if (!byRepo) trees.set(store, (byRepo = new Map()));
  let branches = byRepo.get(repo.fullName);
  if (!branches) {
    branches = new Map([[repo.defaultBranch, { commit: nextCommitSha(), files: new Map() }]]);
    byRepo.set(repo.fullName, branches);
  }
  return branches;
}

/** Seeds or replaces a file on a branch (created from the default branch when missing); returns its sha. */
export function putFile(
  store: GitHubStore,
  repo: StoredRepository,
  path: string,
  content: string | Buffer,
  branch = repo.defaultBranch,
): string {
  const branches = branchesOf(store, repo);
  let b = branches.get(branch);
  if (!b) {
    const from = branches.get(repo.defaultBranch);
    b = { commit: nextCommitSha(), files: new Map(from?.files) };
    branches.set(branch, b);
  }
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const file = { content: bytes, sha: blobSha(bytes) };
  b.files.set(normalize(path), file);
  b.commit = nextCommitSha();
  return file.sha;
}

/** A file's text on a branch, or `undefined` when the branch or the file does not exist. */
export function readFile(
  store: GitHubStore,
  repo: StoredRepository,
  path: string,
  branch = repo.defaultBranch,
): string | undefined {
  return branchesOf(store, repo).get(branch)?.files.get(normalize(path))?.content.toString('utf8');
}

/** The branch names of a repository. */
export function branchNames(store: GitHubStore, repo: StoredRepository): string[] {
  return [...branchesOf(store, repo).keys()];
}

const normalize = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/** GitHub wraps base64 content at 60 characters per line. */
const wrapped = (bytes: Buffer): string =>
  (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n';

function links(context: RouteContext, path: string, ref: string, sha: string, kind: 'blob' | 'tree') {
  const { exchange, repo, objects } = context;
  const api = `${exchange.base}/repos/${repo.fullName}`;
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${kind === 'blob' ? 'blobs' : 'trees'}/${sha}`;
  const html = `${objects.htmlBase}/${repo.fullName}/${kind}/${ref}/${path}`;
  return { url: self, git_url: git, html_url: html, _links: { self, git, html } };
}

function fileObject(context: RouteContext, path: string, ref: string, file: StoredFile): JsonObject {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return {
    type: 'file',
    encoding: 'base64',
    size: file.content.length,
    name,
    path,
    content: wrapped(file.content),
    sha: file.sha,
    download_url: `https://raw.githubusercontent.com/${context.repo.fullName}/${ref}/${path}`,
    ...links(context, path, ref, file.sha, 'blob'),
  };
}

/** A file as folder listings and commit answers show it: without its content. */
function entryOf(file: JsonObject): JsonObject {
  const entry = { ...file };
  delete entry.content;
  delete entry.encoding;
  return entry;
}

/** The entries directly under `dir` on a branch: files and the first level of sub-folders. */
function listing(context: RouteContext, branch: StoredBranch, dir: string, ref: string): JsonObject[] {
  const prefix = dir ? `${dir}/` : '';
  const entries = new Map<string, JsonObject>();
  for (const [path, file] of branch.files) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      entries.set(rest, entryOf(fileObject(context, path, ref, file)));
    } else {
      const name = rest.slice(0, slash);
      const sub = prefix + name;
      if (entries.has(name)) continue;
      const sha = createHash('sha1').update(`tree ${sub} ${branch.commit}`).digest('hex');
      entries.set(name, {
        type: 'dir',
        size: 0,
        name,
        path: sub,
        sha,
        download_url: null,
        ...links(context, sub, ref, sha, 'tree'),
      });
    }
  }
  return [...entries.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

function refObject(context: RouteContext, branch: string, commit: string): JsonObject {
  const api = `${context.exchange.base}/repos/${context.repo.fullName}`;
  return {
    ref: `refs/heads/${branch}`,
    node_id: Buffer.from(`ref:${context.repo.fullName}:${branch}`).toString('base64'),
    url: `${api}/git/refs/heads/${branch}`,
    object: { type: 'commit', sha: commit, url: `${api}/git/commits/${commit}` },
  };
}

const gitUser = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

/** Contents and branch references, guarded by the token's `contents` permission. */
export const contentsRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: /^\/contents(?:\/(.*))?$/,
    contents: 'read',
    handle: (context) => {
      const { exchange, store, repo, params } = context;
      const ref = exchange.query.ref || repo.defaultBranch;
      const branch = branchesOf(store, repo).get(ref);
      if (!branch) return exchange.error(404, `No commit found for the ref ${ref}`);
      const path = normalize(params[0] ?? '');
      const file = branch.files.get(path);
      if (file) return exchange.send(200, fileObject(context, path, ref, file));
      const entries = listing(context, branch, path, ref);
      if (entries.length || !path) return exchange.send(200, entries);
      exchange.error(404, 'Not Found');
    },
  },
  {
    method: 'PUT',
    path: /^\/contents\/(.+)$/,
    contents: 'write',
    handle: (context) => {
      const { exchange, store, repo, params } = context;
      const { body } = exchange;
      const path = normalize(params[0] ?? '');
      if (typeof body.message !== 'string' || !body.message)
        return validationFailed(exchange, 'Commit', 'message', 'missing_field');
      if (typeof body.content !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(body.content))
        return validationFailed(exchange, 'Commit', 'content', 'invalid');
      const ref = typeof body.branch === 'string' && body.branch ? body.branch : repo.defaultBranch;
      const branch = branchesOf(store, repo).get(ref);
      if (!branch) return exchange.error(404, `Branch ${ref} not found`);
      const current = branch.files.get(path);
      const given = typeof body.sha === 'string' ? body.sha : undefined;
      if (current && !given)
        return exchange.error(422, 'Invalid request.\n\n"sha" wasn\'t supplied.', {}, {});
      if (given !== undefined && given !== current?.sha)
        return exchange.error(409, `${path} does not match ${given}`);
      const bytes = Buffer.from(body.content, 'base64');
      const file = { content: bytes, sha: blobSha(bytes) };
      const parent = branch.commit;
      branch.files.set(path, file);
      branch.commit = nextCommitSha();
      const content = entryOf(fileObject(context, path, ref, file));
      const api = `${exchange.base}/repos/${repo.fullName}`;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      exchange.send(current ? 200 : 201, {
        content,
        commit: {
          sha: branch.commit,
          node_id: Buffer.from(`commit:${branch.commit}`).toString('base64'),
          url: `${api}/git/commits/${branch.commit}`,
          html_url: `${context.objects.htmlBase}/${repo.fullName}/commit/${branch.commit}`,
          author: { ...gitUser, date: now },
          committer: { ...gitUser, date: now },
          message: body.message,
          tree: { url: `${api}/git/trees/${branch.commit}`, sha: branch.commit },
          parents: [
            {
              url: `${api}/git/commits/${parent}`,
              html_url: `${context.objects.htmlBase}/${repo.fullName}/commit/${parent}`,
              sha: parent,
            },
          ],
          verification: {
            verified: false,
            reason: 'unsigned',
            signature: null,
            payload: null,
            verified_at: null,
          },
        },
      });
    },
  },
  {
    method: 'GET',
    path: /^\/git\/ref\/heads\/(.+)$/,
    contents: 'read',
    handle: (context) => {
      const name = context.params[0] ?? '';
      const branch = branchesOf(context.store, context.repo).get(name);
      if (!branch) return context.exchange.error(404, 'Not Found');
      context.exchange.send(200, refObject(context, name, branch.commit));
    },
  },
  {
    method: 'POST',
    path: /^\/git\/refs$/,
    contents: 'write',
    handle: (context) => {
      const { exchange, store, repo } = context;
      const { body } = exchange;
      const ref = typeof body.ref === 'string' ? body.ref : '';
      const m = /^refs\/heads\/([^\s~^:?*[\\]+)$/.exec(ref);
      if (!m?.[1]) return exchange.error(422, `${ref || 'ref'} is not a valid ref name.`);
      const branches = branchesOf(store, repo);
      if (branches.has(m[1])) return exchange.error(422, 'Reference already exists');
      const from = [...branches.values()].find((b) => b.commit === body.sha);
      if (!from) return exchange.error(422, 'Object does not exist');
      branches.set(m[1], { commit: from.commit, files: new Map(from.files) });
      exchange.send(201, refObject(context, m[1], from.commit));
    },
  },
];
