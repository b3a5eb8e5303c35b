import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { RunContext } from '@sre-toolkit/action';
import { escapeMarkdown, firstLine, maskedLink } from '@sre-toolkit/discord';
import { num, safeUrl, str } from './payload-access';

/** Building blocks every template shares: links to the repository, commit, run and actor. */

export function repoName(ctx: RunContext): string {
  return str(ctx.payload, 'repository.full_name') ?? ctx.repository;
}

export function repoUrl(ctx: RunContext): string {
  return safeUrl(str(ctx.payload, 'repository.html_url')) ?? `${ctx.serverUrl}/${repoName(ctx)}`;
}

export function commitUrl(ctx: RunContext, sha: string): string {
  return `${repoUrl(ctx)}/commit/${encodeURIComponent(sha)}`;
}

/** `[3f2a9c1](…/commit/…) Fix the login crash` with the message escaped. */
export function commitLine(
  ctx: RunContext,
  sha: string | undefined,
  message: string | undefined,
): string | undefined {
  if (!sha) return message ? escapeMarkdown(firstLine(message)) : undefined;
  const link = `[\`${sha.slice(0, 7)}\`](${commitUrl(ctx, sha)})`;
  return message ? `${link} ${escapeMarkdown(firstLine(message))}` : link;
}

export function field(name: string, value: string | undefined, inline = true): APIEmbedField[] {
  return value ? [{ name, value, inline }] : [];
}

export function repoField(ctx: RunContext): APIEmbedField[] {
  const name = repoName(ctx);
  return name ? field('Repository', maskedLink(name, repoUrl(ctx))) : [];
}

export function runField(ctx: RunContext): APIEmbedField[] {
  if (!ctx.runId) return [];
  const number = ctx.runNumber;
  const label = `${ctx.workflow || 'run'}${number ? ` #${number}` : ''}${ctx.runAttempt > 1 ? ` (attempt ${ctx.runAttempt})` : ''}`;
  return field('Run', maskedLink(label, ctx.runUrl));
}

/** The sender of the event (who opened the PR, pushed, released …), or the run's actor. */
export function author(ctx: RunContext): APIEmbed['author'] | undefined {
  const login = str(ctx.payload, 'sender.login') ?? ctx.actor;
  if (!login) return undefined;
  const url = safeUrl(str(ctx.payload, 'sender.html_url')) ?? `${ctx.serverUrl}/${encodeURIComponent(login)}`;
  const icon = safeUrl(str(ctx.payload, 'sender.avatar_url'));
  return { name: login, url, ...(icon ? { icon_url: icon } : {}) };
}

export function userLink(ctx: RunContext, login: string | undefined): string | undefined {
  return login ? maskedLink(login, `${ctx.serverUrl}/${encodeURIComponent(login)}`) : undefined;
}

/** The branch a run is about: the PR head, workflow_run's head branch, or the ref. */
export function branchOf(ctx: RunContext): string {
  return (
    str(ctx.payload, 'workflow_run.head_branch') ??
    str(ctx.payload, 'pull_request.head.ref') ??
    (ctx.headRef || ctx.refName)
  );
}

export function prNumber(ctx: RunContext): number | undefined {
  return num(ctx.payload, 'pull_request.number') ?? num(ctx.payload, 'number');
}
