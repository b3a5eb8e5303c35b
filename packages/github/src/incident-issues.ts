import { oneLine } from '@sre-toolkit/action';
import { clientSettings, type GitHubClient } from './client';
import { statusOf } from './errors';
import { isTimeoutError } from './request-budget';

/**
 * GitHub issues as incident state: one open issue per incident, found by its label and a hidden
 * marker `<!-- sre-toolkit:KEY {json state} -->` at the end of its body. The issue is what a
 * person sees and closes; the marker is what the next run reads back.
 *
 * Anyone can open an issue with the label, and the visible body holds outside text (a health
 * body's value, a commit title), so the state is only believed when (1) the marker is the last
 * thing in the body, where we write it, (2) outside text we write can hold no `<!--` / `-->`
 * (escapeHtmlComment), and (3) the issue was opened by the token's own identity (see
 * `trustedAuthor`).
 */
export interface IncidentIssue {
  number: number;
  url: string;
  title: string;
  /** The visible body, without the marker. */
  body: string;
  state: Record<string, unknown>;
  /** Listed with `state: 'all'`: whether the issue is open, its label names, when it was closed. */
  open?: boolean;
  labels?: string[];
  closedAt?: string | null;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

const MARKER_START = '<!-- sre-toolkit:';
/** The marker as we write it: one line (its JSON has no raw newline, `<` or `>`), ending the body. */
const TRAILING_MARKER = /^<!-- sre-toolkit:(\S+) (\{[^\n]*\}) -->\s*$/;

/**
 * Makes outside text inert inside an issue body or comment: `<!--` and `-->` become entities, so
 * the text can neither hide what follows it nor pass for one of our markers. Markdown shows
 * entities as the characters they stand for; idempotent, so text read back can be written again.
 */
export function escapeHtmlComment(text: string): string {
  return text.replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;');
}

/**
 * Issue titles are plain text (entities would show as typed), so outside text in them gets one
 * line and non-breaking hyphens in comment markers: no `<!--` from a commit title sits in an issue.
 */
export function issueTitle(text: string): string {
  return oneLine(text).replace(/<!--/g, '<!\u2011\u2011').replace(/-->/g, '\u2011\u2011>').slice(0, 256);
}

/** Keys are free text for callers; in the marker they must hold no whitespace and no `-->`. */
function encodeKey(key: string): string {
  return key.replace(/[^\w.:/@+=,-]/g, (c) => encodeURIComponent(c)).replace(/--/g, '-%2D');
}

/** The marker line for `key` and `state`; JSON is escaped so it can never close the comment. */
export function incidentMarker(key: string, state: Record<string, unknown>): string {
  const json = JSON.stringify(state).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `<!-- sre-toolkit:${encodeKey(key)} ${json} -->`;
}

/**
 * Reads the marker of an issue body: its key and state, and the visible body before it. Only the
 * last marker counts, and only when nothing but whitespace follows it: a marker planted in the
 * visible text is never read.
 */
export function parseIncidentBody(
  body: string | null | undefined,
): { key: string; state: Record<string, unknown>; visible: string } | undefined {
  const text = body ?? '';
  const at = text.lastIndexOf(MARKER_START);
  if (at < 0) return undefined;
  const m = TRAILING_MARKER.exec(text.slice(at));
  if (!m) return undefined;
  let state: unknown;
  try {
    state = JSON.parse(m[2] ?? '');
  } catch {
    return undefined;
  }
  if (!state || typeof state !== 'object' || Array.isArray(state)) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(m[1] ?? '');
  } catch {
    return undefined;
  }
  const visible = text.slice(0, at).trimEnd();
  return { key, state: state as Record<string, unknown>, visible };
}

/** The body we write: the visible text, made inert (escapeHtmlComment), then our marker. */
export function incidentBody(visible: string, key: string, state: Record<string, unknown>): string {
  return `${escapeHtmlComment(visible).trimEnd()}\n\n${incidentMarker(key, state)}\n`;
}

interface IssueData {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  pull_request?: unknown;
  user?: { login?: string } | null;
}

/** The login GITHUB_TOKEN acts as: the author of every issue the default token opens. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

interface Identity {
  /** Authors of issues this client opened: that is the token's identity, whatever it is. */
  readonly created: Set<string>;
  viewer?: Promise<string | undefined>;
}
const identities = new WeakMap<GitHubClient, Identity>();

function identityOf(client: GitHubClient): Identity {
  let id = identities.get(client);
  if (!id) identities.set(client, (id = { created: new Set() }));
  return id;
}

/**
 * Whether an issue was opened by the token's own identity, the only author whose marker we
 * believe. Trusted without a request: `github-actions[bot]` (GITHUB_TOKEN, the actions' default;
 * only workflows of the repository act as it) and the author of any issue this client opened. Any
 * other author costs one GraphQL `viewer { login }` per client, made only when such an issue
 * carries a marker: REST `GET /user` refuses installation tokens, while `viewer` names the bot of
 * an app's installation token (`my-app[bot]`, which is also `performed_via_github_app.slug` +
 * `[bot]`) and the user of a personal token. When that lookup fails, the author is not trusted.
 */
async function trustedAuthor(client: GitHubClient, issue: IssueData): Promise<boolean> {
  const login = issue.user?.login;
  if (!login) return false;
  const id = identityOf(client);
  if (login === ACTIONS_BOT_LOGIN || id.created.has(login)) return true;
  id.viewer ??= client.graphql<{ viewer: { login: string } }>('query { viewer { login } }').then(
    (data) => data.viewer.login,
    () => undefined,
  );
  return (await id.viewer) === login;
}

/**
 * Every open incident issue with `label`, by key: one paginated listing (100 per page) serves any
 * number of keys, which is what keeps a scan of many workflows cheap. Issues opened by anyone but
 * the token's identity are ignored, whatever their label and marker.
 */
export async function listIncidentIssues(
  client: GitHubClient,
  options: RepoRef & { label: string; keyPrefix?: string; state?: 'open' | 'all' },
): Promise<Map<string, IncidentIssue>> {
  const found = new Map<string, IncidentIssue>();
  const all = options.state === 'all';
  const pages = client.paginate.iterator(client.rest.issues.listForRepo, {
    owner: options.owner,
    repo: options.repo,
    labels: options.label,
    state: options.state ?? 'open',
    per_page: 100,
  });
  for await (const page of pages) {
    for (const issue of page.data) {
      if (issue.pull_request) continue;
      const parsed = parseIncidentBody(issue.body);
      if (!parsed || (options.keyPrefix && !parsed.key.startsWith(options.keyPrefix))) continue;
      // The newest issue wins when a person duplicated one: listings are newest first.
      if (found.has(parsed.key) || !(await trustedAuthor(client, issue))) continue;
      found.set(parsed.key, {
        number: issue.number,
        url: issue.html_url,
        title: issue.title,
        body: parsed.visible,
        state: parsed.state,
        ...(all
          ? {
              open: issue.state === 'open',
              labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
              closedAt: issue.closed_at,
            }
          : {}),
      });
    }
  }
  return found;
}

/** The open issue with `label` whose marker carries `key`, if any. */
export async function findIncidentIssue(
  client: GitHubClient,
  options: RepoRef & { label: string; key: string },
): Promise<IncidentIssue | undefined> {
  const all = await listIncidentIssues(client, {
    owner: options.owner,
    repo: options.repo,
    label: options.label,
  });
  return all.get(options.key);
}

/** Creates `label` unless it exists (a read first, so the common case costs no write). */
export async function ensureLabel(
  client: GitHubClient,
  options: RepoRef & { label: string; color?: string; description?: string },
): Promise<void> {
  try {
    await client.rest.issues.getLabel({ owner: options.owner, repo: options.repo, name: options.label });
    return;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  try {
    await client.rest.issues.createLabel({
      owner: options.owner,
      repo: options.repo,
      name: options.label,
      color: options.color ?? 'b60205',
      ...(options.description ? { description: options.description } : {}),
    });
  } catch (error) {
    // Another run created it between our read and write: that is the state we wanted.
    if (statusOf(error) !== 422) throw error;
  }
}

export async function openIncidentIssue(
  client: GitHubClient,
  options: RepoRef & {
    label: string;
    key: string;
    title: string;
    body: string;
    state: Record<string, unknown>;
    labelColor?: string;
    labelDescription?: string;
    /** The caller knows the label exists (e.g. it opened an issue with it already): save the read. */
    labelExists?: boolean;
  },
): Promise<IncidentIssue> {
  if (!options.labelExists)
    await ensureLabel(client, {
      owner: options.owner,
      repo: options.repo,
      label: options.label,
      ...(options.labelColor ? { color: options.labelColor } : {}),
      ...(options.labelDescription ? { description: options.labelDescription } : {}),
    });
  const ref = { owner: options.owner, repo: options.repo };
  const body = incidentBody(options.body, options.key, options.state);
  const created = (data: IssueData): IncidentIssue => {
    if (data.user?.login) identityOf(client).created.add(data.user.login);
    return {
      number: data.number,
      url: data.html_url,
      title: data.title,
      body: escapeHtmlComment(options.body).trimEnd(),
      state: options.state,
    };
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await client.rest.issues.create({
        ...ref,
        title: issueTitle(options.title),
        body,
        labels: [options.label],
        // Creating is not idempotent: no blind retry by plugin-retry, the loop below retries.
        request: { retries: 0 },
      });
      return created(data);
    } catch (error) {
      if (attempt >= CREATE_ATTEMPTS || !mayHaveLanded(error)) throw error;
      // A 5xx or a lost answer may come after GitHub created the issue: look for our marker
      // before creating again, so a retry never opens a second issue.
      let existing: IncidentIssue | undefined;
      try {
        existing = (await listIncidentIssues(client, { ...ref, label: options.label })).get(options.key);
      } catch {
        throw error;
      }
      if (existing) return existing;
      await sleep(attempt ** 2 * clientSettings(client).waitUnitMs);
    }
  }
}

/** Creates of one incident issue, each after a look for the previous one's issue. */
const CREATE_ATTEMPTS = 3;

/** A failure after which the request may still have been carried out: 5xx, or no answer at all. */
function mayHaveLanded(error: unknown): boolean {
  const status = statusOf(error);
  const answered = !!error && typeof error === 'object' && 'response' in error && !!error.response;
  return isTimeoutError(error) || !answered || (status !== undefined && status >= 500);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function updateIncidentIssue(
  client: GitHubClient,
  issue: IncidentIssue,
  options: RepoRef & {
    key: string;
    body?: string;
    title?: string;
    state: Record<string, unknown>;
    comment?: string;
    /** Reopen a closed issue in the same edit. */
    reopen?: boolean;
  },
): Promise<IncidentIssue> {
  const visible = options.body ?? issue.body;
  if (options.comment) await comment(client, issue, options, options.comment);
  const { data } = await client.rest.issues.update({
    owner: options.owner,
    repo: options.repo,
    issue_number: issue.number,
    body: incidentBody(visible, options.key, options.state),
    ...(options.reopen ? { state: 'open' as const } : {}),
    ...(options.title ? { title: issueTitle(options.title) } : {}),
  });
  return {
    number: data.number,
    url: data.html_url,
    title: data.title,
    body: visible.trimEnd(),
    state: options.state,
  };
}

export async function closeIncidentIssue(
  client: GitHubClient,
  issue: IncidentIssue,
  options: RepoRef & { key: string; comment: string; state?: Record<string, unknown>; body?: string },
): Promise<void> {
  if (options.comment) await comment(client, issue, options, options.comment);
  await client.rest.issues.update({
    owner: options.owner,
    repo: options.repo,
    issue_number: issue.number,
    state: 'closed',
    state_reason: 'completed',
    ...(options.state || options.body
      ? { body: incidentBody(options.body ?? issue.body, options.key, options.state ?? issue.state) }
      : {}),
  });
}

async function comment(
  client: GitHubClient,
  issue: IncidentIssue,
  repo: RepoRef,
  body: string,
): Promise<void> {
  await client.rest.issues.createComment({
    owner: repo.owner,
    repo: repo.repo,
    issue_number: issue.number,
    body: escapeHtmlComment(body),
  });
}
