import type { GitHubClient } from './client';

/**
 * GitHub issues as incident state: one open issue per incident, found by its label and a hidden
 * marker `<!-- sre-toolkit:KEY {json state} -->` at the end of its body. The issue is what a
 * person sees and closes; the marker is what the next run reads back.
 */
export interface IncidentIssue {
  number: number;
  url: string;
  title: string;
  /** The visible body, without the marker. */
  body: string;
  state: Record<string, unknown>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

const MARKER = /<!-- sre-toolkit:(\S+) (\{.*?\}) -->/s;

/** Keys are free text for callers; in the marker they must hold no whitespace and no `-->`. */
function encodeKey(key: string): string {
  return key.replace(/[^\w.:/@+=,-]/g, (c) => encodeURIComponent(c)).replace(/--/g, '-%2D');
}

/** The marker line for `key` and `state`; JSON is escaped so it can never close the comment. */
export function incidentMarker(key: string, state: Record<string, unknown>): string {
  const json = JSON.stringify(state).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `<!-- sre-toolkit:${encodeKey(key)} ${json} -->`;
}

/** Reads the marker of an issue body: its key and state, and the visible body before it. */
export function parseIncidentBody(
  body: string | null | undefined,
): { key: string; state: Record<string, unknown>; visible: string } | undefined {
  const m = MARKER.exec(body ?? '');
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
  const visible = (body ?? '').replace(m[0], '').trimEnd();
  return { key, state: state as Record<string, unknown>, visible };
}

export function incidentBody(visible: string, key: string, state: Record<string, unknown>): string {
  return `${visible.trimEnd()}\n\n${incidentMarker(key, state)}\n`;
}

interface IssueData {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  pull_request?: unknown;
}

function toIncident(issue: IssueData, key: string): IncidentIssue | undefined {
  const parsed = parseIncidentBody(issue.body);
  if (!parsed || parsed.key !== key) return undefined;
  return {
    number: issue.number,
    url: issue.html_url,
    title: issue.title,
    body: parsed.visible,
    state: parsed.state,
  };
}

/**
 * Every open incident issue with `label`, by key: one paginated listing (100 per page) serves any
 * number of keys, which is what keeps a scan of many workflows cheap.
 */
export async function listIncidentIssues(
  client: GitHubClient,
  options: RepoRef & { label: string; keyPrefix?: string },
): Promise<Map<string, IncidentIssue>> {
  const found = new Map<string, IncidentIssue>();
  const pages = client.paginate.iterator(client.rest.issues.listForRepo, {
    owner: options.owner,
    repo: options.repo,
    labels: options.label,
    state: 'open',
    per_page: 100,
  });
  for await (const page of pages) {
    for (const issue of page.data) {
      if (issue.pull_request) continue;
      const parsed = parseIncidentBody(issue.body);
      if (!parsed || (options.keyPrefix && !parsed.key.startsWith(options.keyPrefix))) continue;
      // The newest issue wins when a person duplicated one: listings are newest first.
      if (!found.has(parsed.key)) {
        const incident = toIncident(issue, parsed.key);
        if (incident) found.set(parsed.key, incident);
      }
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
  const { data } = await client.rest.issues.create({
    owner: options.owner,
    repo: options.repo,
    title: options.title,
    body: incidentBody(options.body, options.key, options.state),
    labels: [options.label],
  });
  return {
    number: data.number,
    url: data.html_url,
    title: data.title,
    body: options.body.trimEnd(),
    state: options.state,
  };
}

export async function updateIncidentIssue(
  client: GitHubClient,
  issue: IncidentIssue,
  options: RepoRef & {
    key: string;
    body?: string;
    title?: string;
    state: Record<string, unknown>;
    comment?: string;
  },
): Promise<IncidentIssue> {
  const visible = options.body ?? issue.body;
  if (options.comment) await comment(client, issue, options, options.comment);
  const { data } = await client.rest.issues.update({
    owner: options.owner,
    repo: options.repo,
    issue_number: issue.number,
    body: incidentBody(visible, options.key, options.state),
    ...(options.title ? { title: options.title } : {}),
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
    body,
  });
}

/** The HTTP status of an octokit RequestError, if it is one. */
export function statusOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number')
    return error.status;
  return undefined;
}
