import { table, type Cell } from '@sre-toolkit/action';
import { VERSION } from './report-checks';
import { formatCount as n, type Digest } from './digest';
import { reportCell } from './digest-summary';
import type { CrashGroup, CriticalReason, IssueLink } from './groups';
import { compareVersions } from './versions';

/**
 * Crash groups as GitHub issues, like the other monitors' incidents: a group that becomes critical
 * opens one issue (label `crash`, hidden fingerprint marker); later digests update its counts
 * silently. The team closes it to mark the group resolved, optionally naming the release
 * (`fixed-in:1.4.3` label, or "fixed in 1.4.3" in the closing comment); when the group comes back
 * in that release or a later one, the issue is reopened and the group alerts as a regression once.
 * Label `crash-ignored` silences a group for good.
 */
export const CRASH_LABEL = 'crash';
export const IGNORED_LABEL = 'crash-ignored';
export const FIXED_IN_PREFIX = 'fixed-in:';
/** Writes per run are bounded: a first run on a large export must not open hundreds of issues. */
export const MAX_OPENED = 20;
export const MAX_UPDATED = 50;

/** An issue as the store lists it, keyed by fingerprint. */
export interface CrashIssue {
  readonly number: number;
  readonly url: string;
  readonly open: boolean;
  readonly labels: readonly string[];
  readonly state: Record<string, unknown>;
}

/** What the state marker holds: enough to decide a regression without the issue's history. */
export interface CrashIssueState {
  readonly fingerprint: string;
  /** The newest app version the group was seen in, when last written. */
  readonly newest?: string;
  readonly lastSeen?: string;
}

/** The GitHub side, behind an interface so the decisions are testable without a server. */
export interface CrashIssueStore {
  list(): Promise<Map<string, CrashIssue>>;
  open(fingerprint: string, title: string, body: string, state: CrashIssueState): Promise<CrashIssue>;
  update(issue: CrashIssue, body: string, state: CrashIssueState): Promise<void>;
  reopen(issue: CrashIssue, body: string, state: CrashIssueState, comment: string): Promise<void>;
  /** The text of the issue's last comment (where people write "fixed in 1.4.3"), if any. */
  lastComment(issue: CrashIssue): Promise<string | undefined>;
}

export interface CrashIssueOptions {
  /** `24h`: how the window is named in issue bodies. */
  readonly windowLabel: string;
  /** Read issues but write none (dry-run). */
  readonly readOnly?: boolean;
  readonly log: (message: string) => void;
}

/** A release named by a label `fixed-in:1.4.3` or "fixed in 1.4.3" / "fixed-in: v1.4.3" in a comment. */
const FIXED_IN_TEXT = /\bfixed[- ]in:?[ \t]*v?(\d{1,9}(?:\.\d{1,9}){0,3}(?:[-+][0-9A-Za-z.-]{1,32})?)/i;

export function fixedInVersion(labels: readonly string[], comment: string | undefined): string | undefined {
  for (const label of labels) {
    if (!label.toLowerCase().startsWith(FIXED_IN_PREFIX)) continue;
    const v = label.slice(FIXED_IN_PREFIX.length).trim().replace(/^v/, '');
    if (VERSION.test(v)) return v;
  }
  const m = comment ? FIXED_IN_TEXT.exec(comment.slice(0, 10_000)) : null;
  return m?.[1] && VERSION.test(m[1]) ? m[1] : undefined;
}

/** The newest known version of a group (versions are sorted newest first; `unknown` never counts). */
const newestOf = (g: CrashGroup) => g.versions.find((v) => v !== 'unknown');

/**
 * Reads the crash issues, writes what changed, and returns the digest with each group's issue link
 * and its alerts adjusted: ignored and resolved groups do not alert, a group back in a fixed release
 * alerts once as regressed.
 */
export async function syncCrashIssues(
  digest: Digest,
  store: CrashIssueStore,
  options: CrashIssueOptions,
): Promise<Digest> {
  const issues = await store.list();
  let opened = 0;
  let updated = 0;
  const groups: CrashGroup[] = [];
  for (const g of digest.groups) {
    const issue = issues.get(g.fingerprint);
    const newest = newestOf(g);
    const state: CrashIssueState = {
      fingerprint: g.fingerprint,
      ...(newest ? { newest } : {}),
      lastSeen: g.last_seen,
    };
    const body = issueBody(g, options.windowLabel);
    if (issue?.labels.includes(IGNORED_LABEL)) {
      groups.push(withIssue(g, issue, 'ignored', []));
      continue;
    }
    if (issue?.open) {
      if (!options.readOnly && updated < MAX_UPDATED) {
        updated++;
        await store.update(issue, body, { ...readState(issue), ...state });
      }
      // Its opening (or reopening) alerted already: only a spike is news now.
      const critical = g.critical.filter((c) => c === 'spike');
      groups.push(withIssue(g, issue, 'open', critical));
      continue;
    }
    if (issue) {
      const fixedIn =
        fixedInVersion(issue.labels, undefined) ??
        fixedInVersion([], newest ? await store.lastComment(issue) : undefined);
      const before = readState(issue).newest;
      const back =
        newest !== undefined &&
        (fixedIn !== undefined
          ? compareVersions(newest, fixedIn) >= 0
          : before !== undefined && compareVersions(newest, before) > 0);
      if (!back) {
        // Resolved, and what still arrives comes from releases before the fix: no alert.
        groups.push(withIssue(g, issue, 'resolved', []));
        continue;
      }
      const since = fixedIn ? `fixed in ${fixedIn}` : `last seen in ${before ?? 'an earlier release'}`;
      const comment = `🔁 This crash is back in **${newest}** (${since}): ${n(g.count)} events from ${n(g.users)} users in the last ${options.windowLabel}. Reopened by the crash digest.`;
      if (!options.readOnly) await store.reopen(issue, body, { ...readState(issue), ...state }, comment);
      else options.log(`dry-run: would reopen crash issue #${issue.number} (back in ${newest}).`);
      const critical: CriticalReason[] = g.critical.includes('regressed')
        ? g.critical
        : ['regressed', ...g.critical];
      groups.push({ ...withIssue(g, issue, 'reopened', critical), regressed: true });
      continue;
    }
    if (g.critical.length && opened < MAX_OPENED) {
      opened++;
      if (options.readOnly) {
        options.log(`dry-run: would open a crash issue for ${g.fingerprint}.`);
        groups.push(g);
        continue;
      }
      const created = await store.open(g.fingerprint, g.title, body, state);
      groups.push(withIssue(g, created, 'opened', g.critical));
      continue;
    }
    if (g.critical.length)
      options.log(`${g.fingerprint}: over ${MAX_OPENED} new crash issues this run; left for the next.`);
    groups.push(g);
  }
  const critical = groups.filter((g) => g.critical.length).length;
  return { ...digest, totals: { ...digest.totals, critical }, groups };
}

function readState(issue: CrashIssue): CrashIssueState {
  const s = issue.state;
  return {
    fingerprint: typeof s.fingerprint === 'string' ? s.fingerprint : '',
    ...(typeof s.newest === 'string' && VERSION.test(s.newest) ? { newest: s.newest } : {}),
    ...(typeof s.lastSeen === 'string' ? { lastSeen: s.lastSeen } : {}),
  };
}

function withIssue(
  g: CrashGroup,
  issue: Pick<CrashIssue, 'number' | 'url'>,
  status: IssueLink['status'],
  critical: CriticalReason[],
): CrashGroup {
  return { ...g, critical, issue: { number: issue.number, url: issue.url, status } };
}

/**
 * The issue's visible body. Every text in it comes from the digest, already cleaned and scrubbed;
 * table cells escape Markdown and links (the marker's `<!--` is made inert by @sre-toolkit/github).
 */
export function issueBody(g: CrashGroup, windowLabel: string): string {
  const rows: Cell[][] = [
    ['type', reportCell(g.type)],
    ['message', reportCell(g.title)],
    ['culprit', reportCell(g.culprit || '(no in-app frame)')],
    [`events (last ${windowLabel})`, n(g.count)],
    [`fatal (last ${windowLabel})`, n(g.fatal)],
    [`users (last ${windowLabel})`, n(g.users)],
    ['first seen', g.first_seen],
    ['last seen', g.last_seen],
    ['versions', reportCell(g.versions.join(', '))],
    ['platforms', reportCell(g.platforms.join(', '))],
    ['grouped by', g.basis],
    ['fingerprint', { md: `\`${g.fingerprint}\`` }],
  ];
  return [
    `### ${reportCell(g.title).md}`,
    '',
    table(['', 'crash group'], rows),
    '',
    '#### Sample trace',
    '',
    g.sample.length
      ? table(
          ['frame'],
          g.sample.map((s) => [reportCell(s)]),
        )
      : '(no frames)',
    '',
    `Close this issue when the crash is fixed; name the release with a label \`${FIXED_IN_PREFIX}1.4.3\` or "fixed in 1.4.3" in the closing comment. If the crash comes back in that release or a later one, the issue is reopened and #alerts is told. Label \`${IGNORED_LABEL}\` silences this group for good.`,
  ].join('\n');
}
