import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { RunContext } from '@sre-toolkit/action';
import { commitLine as sharedCommitLine, maskedLink } from '@sre-toolkit/discord';
import { num, safeUrl, str, type Payload } from './payload-access';

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
  return sharedCommitLine(repoUrl(ctx), sha, message);
}

/*
 * The same links where the event names its own repository (its payload), not the run's: for
 * events relayed from elsewhere, the links must point where the event happened.
 */

export function eventRepoField(p: Payload): APIEmbedField[] {
  const name = str(p, 'repository.full_name');
  const url = safeUrl(str(p, 'repository.html_url'));
  return name && url ? field('Repository', maskedLink(name, url)) : [];
}

export function eventRepoUrl(p: Payload, ctx?: RunContext): string | undefined {
  return safeUrl(str(p, 'repository.html_url')) ?? (ctx ? repoUrl(ctx) : undefined);
}

export function eventUserLink(p: Payload, login: string | undefined): string | undefined {
  if (!login) return undefined;
  const base =
    safeUrl(str(p, 'repository.html_url'))?.replace(/\/[^/]+\/[^/]+\/?$/, '') ?? 'https://github.com';
  return maskedLink(login, `${base}/${encodeURIComponent(login)}`);
}

export function eventCommitLine(
  p: Payload,
  sha: string | undefined,
  message: string | undefined,
): string | undefined {
  return sharedCommitLine(safeUrl(str(p, 'repository.html_url')), sha, message);
}

/** `[#42](run url)`, only for a URL that is safe to link. */
export function runLink(number: string | undefined, url: string | undefined): string | undefined {
  const safe = safeUrl(url);
  return safe ? `[#${number ?? '?'}](${safe})` : undefined;
}

export function field(name: string, value: string | undefined, inline = true): APIEmbedField[] {
  return value ? [{ name, value, inline }] : [];
}

export function repoField(ctx: RunContext): APIEmbedField[] {
  const name = repoName(ctx);
  return name ? field('Repository', maskedLink(name, repoUrl(ctx))) : [];
}

export function runField(ctx: RunContext, name = 'Run'): APIEmbedField[] {
  if (!ctx.runId) return [];
  const number = ctx.runNumber;
  const label = `${ctx.workflow || 'run'}${number ? ` #${number}` : ''}${ctx.runAttempt > 1 ? ` (attempt ${ctx.runAttempt})` : ''}`;
  return field(name, maskedLink(label, ctx.runUrl));
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
