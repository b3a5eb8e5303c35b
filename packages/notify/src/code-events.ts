import { escapeMarkdown, type Tone } from '@sre-toolkit/discord';
import { commitLine, eventRepoField, eventRepoUrl, eventUserLink, field } from './links';
import { arr, at, bool, num, safeUrl, str } from './payload-access';
import { bodyPreview, esc, words, type Handler } from './event-view';

/** Handlers for code events: pull requests, reviews, issues, comments, releases, pushes, branches. */

export const pullRequest: Handler = (p) => {
  const pr = 'pull_request';
  const number = num(p, `${pr}.number`) ?? num(p, 'number');
  const title = str(p, `${pr}.title`) ?? '';
  let action = str(p, 'action');
  let tone: Tone = 'info';
  if (action === 'closed' && bool(p, `${pr}.merged`)) {
    action = 'merged';
    tone = 'success';
  } else if (action === 'closed') tone = 'cancelled';
  const head = str(p, `${pr}.head.ref`);
  const base = str(p, `${pr}.base.ref`);
  const adds = num(p, `${pr}.additions`);
  const dels = num(p, `${pr}.deletions`);
  const files = num(p, `${pr}.changed_files`);
  const reviewers = [str(p, 'requested_reviewer.login'), str(p, 'requested_team.name')].filter(
    Boolean,
  ) as string[];
  const label = str(p, 'label.name');
  const phrase =
    action === 'review_requested'
      ? 'review requested'
      : action === 'ready_for_review'
        ? 'ready for review'
        : words(action);
  return {
    tone,
    title: `🔀 PR #${number ?? '?'} ${phrase}: ${title}`,
    url: safeUrl(str(p, `${pr}.html_url`)),
    description:
      action === 'opened' || action === 'ready_for_review' ? bodyPreview(str(p, `${pr}.body`)) : undefined,
    fields: [
      ...eventRepoField(p),
      ...field('Branch', head && base ? `${escapeMarkdown(head)} → ${escapeMarkdown(base)}` : esc(head)),
      ...field('Author', eventUserLink(p, str(p, `${pr}.user.login`))),
      ...(reviewers.length ? field('Reviewers', escapeMarkdown(reviewers.join(', '))) : []),
      ...(label ? field('Label', escapeMarkdown(label)) : []),
      ...(adds !== undefined && dels !== undefined
        ? field('Changes', `+${adds} −${dels}${files !== undefined ? ` in ${files} files` : ''}`)
        : []),
      ...(bool(p, `${pr}.draft`) ? field('Draft', 'yes') : []),
    ],
  };
};

export const review: Handler = (p) => {
  const state = str(p, 'review.state')?.toLowerCase();
  const tone: Tone = state === 'approved' ? 'success' : state === 'changes_requested' ? 'warning' : 'info';
  const number = num(p, 'pull_request.number');
  const verdict =
    state === 'approved'
      ? 'approved'
      : state === 'changes_requested'
        ? 'changes requested'
        : state === 'commented'
          ? 'commented'
          : words(str(p, 'action'));
  return {
    tone,
    title: `👀 Review on PR #${number ?? '?'}: ${verdict}`,
    url: safeUrl(str(p, 'review.html_url')) ?? safeUrl(str(p, 'pull_request.html_url')),
    description: bodyPreview(str(p, 'review.body')),
    fields: [
      ...eventRepoField(p),
      ...field('Pull request', esc(str(p, 'pull_request.title'))),
      ...field('Reviewer', eventUserLink(p, str(p, 'review.user.login'))),
    ],
  };
};

export const reviewComment: Handler = (p) => ({
  tone: 'info',
  title: `💬 Review comment on PR #${num(p, 'pull_request.number') ?? '?'}: ${str(p, 'pull_request.title') ?? ''}`,
  url: safeUrl(str(p, 'comment.html_url')),
  description: bodyPreview(str(p, 'comment.body')),
  fields: [
    ...eventRepoField(p),
    ...field('File', esc(str(p, 'comment.path'))),
    ...field('By', eventUserLink(p, str(p, 'comment.user.login'))),
  ],
});

export const issues: Handler = (p) => {
  const action = str(p, 'action');
  const tone: Tone =
    action === 'closed' ? (str(p, 'issue.state_reason') === 'not_planned' ? 'cancelled' : 'success') : 'info';
  const labels = arr(p, 'issue.labels')
    .map((l) => str(l, 'name'))
    .filter(Boolean) as string[];
  return {
    tone,
    title: `🐛 Issue #${num(p, 'issue.number') ?? '?'} ${words(action)}: ${str(p, 'issue.title') ?? ''}`,
    url: safeUrl(str(p, 'issue.html_url')),
    description: action === 'opened' ? bodyPreview(str(p, 'issue.body')) : undefined,
    fields: [
      ...eventRepoField(p),
      ...field('Author', eventUserLink(p, str(p, 'issue.user.login'))),
      ...(labels.length ? field('Labels', escapeMarkdown(labels.slice(0, 10).join(', '))) : []),
      ...(str(p, 'assignee.login') ? field('Assignee', eventUserLink(p, str(p, 'assignee.login'))) : []),
    ],
  };
};

export const issueComment: Handler = (p) => {
  const isPr = at(p, 'issue.pull_request') !== undefined;
  return {
    tone: 'info',
    title: `💬 Comment on ${isPr ? 'PR' : 'issue'} #${num(p, 'issue.number') ?? '?'}: ${str(p, 'issue.title') ?? ''}`,
    url: safeUrl(str(p, 'comment.html_url')) ?? safeUrl(str(p, 'issue.html_url')),
    description: str(p, 'action') === 'deleted' ? 'Comment deleted.' : bodyPreview(str(p, 'comment.body')),
    fields: [...eventRepoField(p), ...field('By', eventUserLink(p, str(p, 'comment.user.login')))],
  };
};

export const release: Handler = (p) => {
  const action = str(p, 'action');
  const name = str(p, 'release.name') ?? str(p, 'release.tag_name') ?? '';
  const tone: Tone =
    action === 'published' || action === 'released' ? 'success' : action === 'deleted' ? 'cancelled' : 'info';
  return {
    tone,
    title: `🏷️ Release ${name} ${words(action)}`,
    url: safeUrl(str(p, 'release.html_url')),
    description:
      action === 'published' || action === 'released' || action === 'created'
        ? bodyPreview(str(p, 'release.body'), 1500)
        : undefined,
    fields: [
      ...eventRepoField(p),
      ...field('Tag', esc(str(p, 'release.tag_name'))),
      ...(bool(p, 'release.prerelease') ? field('Pre-release', 'yes') : []),
      ...field('By', eventUserLink(p, str(p, 'release.author.login') ?? str(p, 'sender.login'))),
    ],
  };
};

export const push: Handler = (p, ctx) => {
  const ref = str(p, 'ref') ?? ctx.ref;
  const isTag = ref.startsWith('refs/tags/');
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  const kind = isTag ? 'Tag' : 'Branch';
  if (bool(p, 'deleted'))
    return {
      tone: 'cancelled',
      title: `🗑️ ${kind} ${name} deleted`,
      url: eventRepoUrl(p, ctx),
      fields: eventRepoField(p),
    };
  const commits = arr(p, 'commits');
  const count = commits.length;
  const lines = commits.slice(-10).map((c) => {
    const line = commitLine(ctx, str(c, 'id'), str(c, 'message')) ?? '';
    const who = str(c, 'author.username') ?? str(c, 'author.name');
    return who ? `${line} — ${escapeMarkdown(who)}` : line;
  });
  if (count > 10) lines.unshift(`… and ${count - 10} earlier commits`);
  const created = bool(p, 'created');
  const forced = bool(p, 'forced');
  const title = created
    ? `🌱 ${kind} ${name} created${count ? ` with ${count} commit${count === 1 ? '' : 's'}` : ''}`
    : `📦 ${count} commit${count === 1 ? '' : 's'} pushed to ${name}${forced ? ' (force-push)' : ''}`;
  return {
    tone: forced ? 'warning' : 'info',
    title,
    url: safeUrl(str(p, 'compare')) ?? eventRepoUrl(p, ctx),
    description: lines.join('\n') || undefined,
    fields: [...eventRepoField(p), ...field('Pusher', esc(str(p, 'pusher.name') ?? str(p, 'sender.login')))],
  };
};

export const createOrDelete =
  (verb: 'created' | 'deleted'): Handler =>
  (p, ctx) => ({
    tone: verb === 'created' ? 'info' : 'cancelled',
    title: `${verb === 'created' ? '🌱' : '🗑️'} ${str(p, 'ref_type') === 'tag' ? 'Tag' : 'Branch'} ${str(p, 'ref') ?? ''} ${verb}`,
    url: eventRepoUrl(p, ctx),
    fields: eventRepoField(p),
  });
