import type { JsonObject } from './github-objects';
import { issuesMatching } from './github-queries';
import { validationFailed, type Route, type RouteContext } from './github-routing';
import type { IssuePatch } from './github-store';

/** Labels, issues and issue comments, guarded by the token's `issues` permission. */
export const issuesRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: /^\/labels$/,
    issues: 'read',
    handle: ({ exchange, store, repo, objects, page }) => {
      const { slice, headers } = page(store.labels.filter((l) => l.repository === repo.fullName));
      exchange.send(
        200,
        slice.map((l) => objects.label(l, repo)),
        headers,
      );
    },
  },
  {
    // GitHub serves a single label without checking the issues permission.
    method: 'GET',
    path: /^\/labels\/([^/]+)$/,
    handle: ({ exchange, store, repo, objects, params }) => {
      const label = store.findLabel(repo.fullName, params[0] ?? '');
      return label ? exchange.send(200, objects.label(label, repo)) : exchange.error(404, 'Not Found');
    },
  },
  {
    method: 'POST',
    path: /^\/labels$/,
    issues: 'write',
    handle: ({ exchange, store, repo, objects }) => {
      const { body } = exchange;
      const name = typeof body.name === 'string' ? body.name : '';
      if (!name) return validationFailed(exchange, 'Label', 'name', 'missing_field');
      if (store.findLabel(repo.fullName, name))
        return validationFailed(exchange, 'Label', 'name', 'already_exists');
      const color = typeof body.color === 'string' ? body.color.replace(/^#/, '') : 'ededed';
      if (!/^[0-9a-f]{6}$/i.test(color)) return validationFailed(exchange, 'Label', 'color', 'invalid');
      const description = typeof body.description === 'string' ? body.description : null;
      const label = store.ensureLabel(repo.fullName, name, color, description);
      exchange.send(201, objects.label(label, repo));
    },
  },
  {
    method: 'GET',
    path: /^\/issues$/,
    issues: 'read',
    handle: ({ exchange, store, repo, objects, page }) => {
      const list = issuesMatching(
        store.issues.filter((i) => i.repository === repo.fullName),
        exchange.query,
      );
      const { slice, headers } = page(list);
      exchange.send(
        200,
        slice.map((i) => objects.issue(i, repo, store.labelsOf(i))),
        headers,
      );
    },
  },
  {
    method: 'POST',
    path: /^\/issues$/,
    issues: 'write',
    handle: ({ exchange, store, repo, objects }) => {
      const { body } = exchange;
      if (typeof body.title !== 'string' || !body.title)
        return validationFailed(exchange, 'Issue', 'title', 'missing_field');
      const created = store.addIssue({
        repository: repo.fullName,
        title: body.title,
        ...(typeof body.body === 'string' ? { body: body.body } : {}),
        labels: Array.isArray(body.labels) ? body.labels.map((l) => String(l)) : [],
      });
      exchange.send(201, objects.issue(created, repo, store.labelsOf(created)));
    },
  },
  {
    method: 'GET',
    path: /^\/issues\/(\d+)$/,
    issues: 'read',
    handle: (context) => answerIssue(context),
  },
  {
    method: 'PATCH',
    path: /^\/issues\/(\d+)$/,
    issues: 'write',
    handle: (context) => answerIssue(context, issuePatchOf(context.exchange.body)),
  },
  {
    method: 'GET',
    path: /^\/issues\/(\d+)\/comments$/,
    issues: 'read',
    handle: ({ exchange, store, repo, objects, params, page }) => {
      const issue = issueOf({ store, repo }, params[0]);
      if (!issue) return exchange.error(404, 'Not Found');
      const { slice, headers } = page(issue.comments);
      exchange.send(
        200,
        slice.map((c) => objects.comment(c, issue, repo)),
        headers,
      );
    },
  },
  {
    method: 'POST',
    path: /^\/issues\/(\d+)\/comments$/,
    issues: 'write',
    handle: ({ exchange, store, repo, objects, params }) => {
      const issue = issueOf({ store, repo }, params[0]);
      if (!issue) return exchange.error(404, 'Not Found');
      const { body } = exchange;
      if (typeof body.body !== 'string' || !body.body)
        return validationFailed(exchange, 'IssueComment', 'body', 'missing_field');
      exchange.send(201, objects.comment(store.addComment(issue, body.body), issue, repo));
    },
  },
];

function issueOf({ store, repo }: Pick<RouteContext, 'store' | 'repo'>, n: string | undefined) {
  return store.issues.find((i) => i.repository === repo.fullName && String(i.number) === n);
}

/** The issue, edited first when `patch` is given. */
function answerIssue({ exchange, store, repo, objects, params }: RouteContext, patch?: IssuePatch): void {
  const issue = issueOf({ store, repo }, params[0]);
  if (!issue) return exchange.error(404, 'Not Found');
  if (patch) store.updateIssue(issue, patch);
  exchange.send(200, objects.issue(issue, repo, store.labelsOf(issue)));
}

/** The fields of an issue edit that have the right type; GitHub ignores the rest. */
function issuePatchOf(body: JsonObject): IssuePatch {
  return {
    ...(typeof body.title === 'string' ? { title: body.title } : {}),
    ...(typeof body.body === 'string' || body.body === null ? { body: body.body } : {}),
    ...(Array.isArray(body.labels) ? { labels: body.labels.map((l) => String(l)) } : {}),
    ...(body.state === 'open' || body.state === 'closed' ? { state: body.state } : {}),
    ...(body.state_reason === 'not_planned' ? { stateReason: 'not_planned' as const } : {}),
  };
}
