import type { APIEmbed } from 'discord-api-types/v10';
import { formatDuration, type RunContext } from '@sre-toolkit/action';
import { escapeMarkdown, maskedLink, TONES } from '@sre-toolkit/discord';
import { eventSpan } from './event-durations';
import { renderEvent } from './events';
import { author, branchOf, commitLine, field, prNumber, repoField, runField, userLink } from './links';
import { STATUS_TONE, type Draft, type Notification, type Template } from './notification';
import { safeUrl, str } from './payload-access';

/** Events that have a message of their own when no job status is given. */
export function chooseTemplate(n: Notification): 'ci' | 'deploy' | 'event' | 'plain' {
  if (n.template !== 'auto') return n.template;
  if (n.environment || n.version) return 'deploy';
  if (n.status !== 'info') return 'ci';
  return 'event';
}

/** From `started-at` (or the edited message's time) to now, else from the event payload's own times. */
function duration(n: Notification, ctx: RunContext, now: Date): string | undefined {
  if (n.startedAt) return formatDuration(now.getTime() - n.startedAt.getTime());
  const span = eventSpan(ctx.eventName, ctx.payload);
  return span ? formatDuration(span.end.getTime() - span.start.getTime()) : undefined;
}

function durationField(n: Notification, ctx: RunContext, now: Date) {
  return field('Duration', duration(n, ctx, now));
}

function headCommit(ctx: RunContext): { sha?: string; message?: string } {
  const p = ctx.payload;
  const sha =
    str(p, 'workflow_run.head_sha') ??
    str(p, 'pull_request.head.sha') ??
    str(p, 'head_commit.id') ??
    (ctx.sha || undefined);
  const message =
    str(p, 'workflow_run.head_commit.message') ??
    str(p, 'head_commit.message') ??
    str(p, 'pull_request.title');
  return { ...(sha ? { sha } : {}), ...(message ? { message } : {}) };
}

/** `❌ frontend-ci failed on main`, with commit, branch, actor and run. */
export const ciTemplate: Template = (n, ctx, now) => {
  const tone = STATUS_TONE[n.status];
  const branch = branchOf(ctx);
  const pr = prNumber(ctx);
  const where = pr ? `PR #${pr}` : branch;
  const commit = headCommit(ctx);
  const prUrl = safeUrl(str(ctx.payload, 'pull_request.html_url'));
  return {
    tone,
    title: `${TONES[tone].emoji} ${ctx.workflow || 'Workflow'} ${TONES[tone].word}${where ? ` on ${where}` : ''}`,
    url: ctx.runUrl,
    description: commitLine(ctx, commit.sha, commit.message),
    author: author(ctx),
    fields: [
      ...repoField(ctx),
      ...field('Branch', branch ? escapeMarkdown(branch) : undefined),
      ...(pr && prUrl ? field('Pull request', maskedLink(`#${pr}`, prUrl)) : []),
      ...field('Job', ctx.job ? escapeMarkdown(ctx.job) : undefined),
      ...field('Actor', userLink(ctx, ctx.actor)),
      ...durationField(n, ctx, now),
      ...runField(ctx),
    ],
    footer: ctx.eventName ? `${ctx.repository} • ${ctx.eventName}` : ctx.repository,
  };
};

/** `✅ mara 1.4.2 deployed to production`, with version, duration, commit and run. */
export const deployTemplate: Template = (n, ctx, now) => {
  const tone = STATUS_TONE[n.status];
  const what = [ctx.repo || 'app', n.version].filter(Boolean).join(' ');
  const env = n.environment ? ` to ${n.environment}` : '';
  const took = duration(n, ctx, now);
  const title: Record<typeof n.status, string> = {
    success: `${what} deployed${env}${took ? ` in ${took}` : ''}`,
    failure: `Deploy of ${what}${env} failed`,
    cancelled: `Deploy of ${what}${env} was cancelled`,
    skipped: `Deploy of ${what}${env} was skipped`,
    info: `Deploying ${what}${env}…`,
  };
  // A deploy under way is news of its own: a rocket, not the info sign.
  const emoji = n.status === 'info' ? '🚀' : TONES[tone].emoji;
  const commit = headCommit(ctx);
  const deployUrl =
    safeUrl(str(ctx.payload, 'deployment_status.environment_url')) ??
    safeUrl(str(ctx.payload, 'deployment_status.target_url'));
  return {
    tone,
    title: `${emoji} ${title[n.status]}`,
    url: ctx.runUrl,
    description: commitLine(ctx, commit.sha, commit.message),
    author: author(ctx),
    fields: [
      ...field('Environment', n.environment ? escapeMarkdown(n.environment) : undefined),
      ...field('Version', n.version ? escapeMarkdown(n.version) : undefined),
      ...durationField(n, ctx, now),
      ...repoField(ctx),
      ...field('Branch', branchOf(ctx) ? escapeMarkdown(branchOf(ctx)) : undefined),
      ...field('Triggered by', userLink(ctx, ctx.actor)),
      ...(deployUrl ? field('Deployment', maskedLink('open', deployUrl)) : []),
      ...runField(ctx),
    ],
    footer: `${ctx.repository} • deploy`,
  };
};

export const eventTemplate: Template = (n, ctx) => renderEvent(ctx, n.status);

/** Only what the author wrote, in the status colour. */
export const plainTemplate: Template = (n) => {
  const tone = STATUS_TONE[n.status];
  return { tone, title: n.title ?? '', fields: [] };
};

const RENDERERS: Record<'ci' | 'deploy' | 'event' | 'plain', Template> = {
  ci: ciTemplate,
  deploy: deployTemplate,
  event: eventTemplate,
  plain: plainTemplate,
};

/** The embed for a notification: the template's draft, then the author's title, fields and so on. */
export function renderEmbed(n: Notification, ctx: RunContext, now: Date): APIEmbed {
  const draft: Draft = RENDERERS[chooseTemplate(n)](n, ctx, now);
  const embed: APIEmbed = {
    // Template titles carry branch names, PR titles and the like: escaped. The author's own title is theirs.
    title: n.title ?? escapeMarkdown(draft.title),
    color: n.color ?? TONES[draft.tone].color,
    timestamp: now.toISOString(),
  };
  const url = safeUrl(n.url) ?? draft.url;
  if (url) embed.url = url;
  const description = n.description ?? draft.description;
  if (description) embed.description = description;
  if (draft.author) embed.author = draft.author;
  const fields = [
    ...draft.fields,
    ...n.fields.map((f) => ({ name: f.name, value: f.value, inline: f.inline ?? true })),
  ];
  if (fields.length) embed.fields = fields;
  const footer = n.footer ?? draft.footer;
  if (footer) embed.footer = { text: footer };
  if (!embed.title) delete embed.title;
  return embed;
}
