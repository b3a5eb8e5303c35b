import type { StoredIssue, StoredJob, StoredRun } from './github-model';

/** Query parameters of a request, as GitHub reads them (the last value of a repeated key wins). */
export type Query = Record<string, string>;

/** GitHub's search API and filtered run listings stop at 1,000 results, whatever the total. */
const RESULT_CAP = 1000;

export interface Page<T> {
  readonly slice: T[];
  /** A `link` header with GitHub's prev / next / last / first relations, when there is another page. */
  readonly headers: Record<string, string>;
}

/** One page of `items` by `per_page` (1–100, default 30) and `page`, linked by absolute URLs. */
export function paginate<T>(
  items: readonly T[],
  request: { readonly base: string; readonly pathname: string; readonly query: Query },
  cap = false,
): Page<T> {
  const { query } = request;
  const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100);
  const page = Math.max(Number(query.page ?? 1) || 1, 1);
  const reachable = cap ? items.slice(0, RESULT_CAP) : items;
  const pages = Math.max(Math.ceil(reachable.length / perPage), 1);
  const slice = reachable.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const u = new URL(request.pathname, request.base);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    u.searchParams.set('page', String(p));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < pages ? [link(page + 1, 'next'), link(pages, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  return { slice, headers: links.length ? { link: links.join(', ') } : {} };
}

const RUN_STATUSES = [
  'completed',
  'in_progress',
  'queued',
  'requested',
  'waiting',
  'pending',
  'action_required',
];
const RUN_CONCLUSIONS = ['cancelled', 'failure', 'neutral', 'skipped', 'stale', 'success', 'timed_out'];
const RUN_FILTERS = ['branch', 'status', 'event', 'created', 'head_sha', 'actor'];

/** GitHub answers 422 to a `status` it does not know (`startup_failure` included, REFERENCE §3). */
export function runFilterProblem(query: Query): string | undefined {
  if (query.status && ![...RUN_STATUSES, ...RUN_CONCLUSIONS].includes(query.status))
    return `Invalid status: ${query.status}`;
  if (query.created && !parseCreated(query.created)) return `Invalid created: ${query.created}`;
  return undefined;
}

/** Only filtered run listings are capped at 1,000 results. */
export const isFilteredRunQuery = (query: Query): boolean => RUN_FILTERS.some((k) => query[k]);

export function matchesRunQuery(run: StoredRun, query: Query): boolean {
  const latest = run.attempts[run.attempts.length - 1];
  if (query.branch && run.headBranch !== query.branch) return false;
  if (query.event && run.event !== query.event) return false;
  if (query.head_sha && run.headSha !== query.head_sha) return false;
  if (query.actor && run.actor !== query.actor) return false;
  if (query.status) {
    const s = query.status;
    const matches = RUN_CONCLUSIONS.includes(s) ? latest?.conclusion === s : latest?.status === s;
    if (!matches) return false;
  }
  if (query.created) {
    const range = parseCreated(query.created);
    const t = Date.parse(run.createdAt);
    if (range && (t < range.from || t > range.to)) return false;
  }
  return true;
}

/** Newest first, as GitHub lists runs; the id breaks ties between runs created together. */
export const newestRunFirst = (a: StoredRun, b: StoredRun): number =>
  b.createdAt.localeCompare(a.createdAt) || b.id - a.id;

/** GitHub's search date syntax: `>=d`, `<=d`, `>d`, `<d`, `a..b`, `a..*`, or one date (that day). */
function parseCreated(text: string): { from: number; to: number } | undefined {
  const day = (s: string, end: boolean) => {
    if (s === '*') return end ? Infinity : -Infinity;
    const t = Date.parse(/T/.test(s) ? s : `${s}T00:00:00Z`);
    if (Number.isNaN(t)) return NaN;
    return end && !/T/.test(s) ? t + 86_399_999 : t;
  };
  let r: { from: number; to: number };
  const m = /^(>=|<=|>|<)(.+)$/.exec(text);
  if (m) {
    const [, op, d = ''] = m;
    if (op === '>=') r = { from: day(d, false), to: Infinity };
    else if (op === '>') r = { from: day(d, true) + 1, to: Infinity };
    else if (op === '<=') r = { from: -Infinity, to: day(d, true) };
    else r = { from: -Infinity, to: day(d, false) - 1 };
  } else if (text.includes('..')) {
    const [a = '', b = ''] = text.split('..');
    r = { from: day(a, false), to: day(b, true) };
  } else r = { from: day(text, false), to: day(text, true) };
  return Number.isNaN(r.from) || Number.isNaN(r.to) ? undefined : r;
}

/** `filter` of the jobs listing: only `latest` (the default) and `all` exist. */
export function jobFilterProblem(query: Query): string | undefined {
  return query.filter && !['latest', 'all'].includes(query.filter)
    ? `Invalid filter: ${query.filter}`
    : undefined;
}

/** The jobs of one attempt when it is named, else of the latest attempt or (`filter=all`) of all. */
export function jobsOf(run: StoredRun, attempt: number | undefined, query: Query): StoredJob[] {
  const latest = run.attempts.length;
  return run.jobs.filter((j) =>
    attempt !== undefined ? j.runAttempt === attempt : query.filter === 'all' || j.runAttempt === latest,
  );
}

/** The issues listing's `state` (default `open`), `labels` (all of them) and `direction`. */
export function issuesMatching(issues: readonly StoredIssue[], query: Query): StoredIssue[] {
  const want = query.state ?? 'open';
  const wanted = (query.labels ?? '')
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  return issues
    .filter(
      (i) =>
        (want === 'all' || i.state === want) &&
        wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)),
    )
    .sort((a, b) => (query.direction === 'asc' ? a.number - b.number : b.number - a.number));
}
