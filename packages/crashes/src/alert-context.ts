import {
  alertContext,
  alertFields,
  type AlertContext,
  type RunContext,
  type Runtime,
  type Severity,
} from '@sre-toolkit/action';
import { escapeMarkdown } from '@sre-toolkit/discord';
import type { DeployFormat, DeployInfo } from '@sre-toolkit/github';
import type { Digest } from './digest';
import type { CrashGroup } from './groups';

/**
 * Issue #14 on crash-digest: the #alerts message names its severity (a new fatal crash, a spike or
 * a regression: SEV2 by the runbook) and links to the runbook's crash section; each new or
 * spiking group says which deploy reached the environment shortly before it began, and whether
 * the group's newest app version is the one that deploy shipped.
 */

export interface DeployBefore {
  readonly info: DeployInfo;
  readonly start: Date;
  /** The group's newest app version is the deploy's payload version or tag. */
  readonly sameVersion: boolean;
  /** What the alert says of it (deployLine). */
  readonly line: string;
}

export interface CrashAlertContext {
  readonly alert: AlertContext;
  /** The deploy before each new or spiking group, by fingerprint. */
  readonly deploys: ReadonlyMap<string, DeployBefore>;
}

/** The inputs the context reads, as the action's schema parses them. */
export interface CrashContextInputs {
  readonly severity: 'auto' | Severity;
  readonly 'runbook-url': string;
  /** `none`: no deploy lookup. */
  readonly 'deploy-environment': string;
  readonly 'deploy-window': number;
  readonly 'github-token': string;
}

/**
 * When a group began: a new group at its first event; a spiking one (whose first event may be
 * long before) at the start of the window, the earliest the spike can have begun.
 */
export function groupStart(g: CrashGroup, windowStart: string): Date {
  const first = Date.parse(g.first_seen);
  const from = Date.parse(windowStart);
  return new Date(Number.isNaN(first) ? from : Math.max(first, Number.isNaN(from) ? first : from));
}

/** The run's context from its inputs; no deploy lookup without a token, a repository, or with `none`. */
export async function crashContext(
  rt: Runtime,
  ctx: RunContext,
  d: Digest,
  i: CrashContextInputs,
  client: { readonly userAgent: string; readonly budgetMs: number },
): Promise<CrashAlertContext> {
  const alert = alertContext('crash', {
    severity: i.severity,
    runbookUrl: i['runbook-url'],
    serverUrl: ctx.serverUrl,
    repository: ctx.repository,
  });
  const env = i['deploy-environment'];
  const wanted = d.groups.some((g) => g.critical.length && (g.new || g.spike));
  // A blank input falls back to the literal default outside a runner: no token then.
  const token = i['github-token'].startsWith('${{') ? '' : i['github-token'];
  if (!wanted || !env || env === 'none' || !token || !ctx.owner) return { alert, deploys: new Map() };
  // The GitHub client (octokit, Bottleneck) and the deploy wording only for a run that looks a
  // deploy up: lazy chunks, out of the entry every run compiles (start-up, #16).
  const [{ createGitHubClient, deployLookup }, { deploysBefore }] = await Promise.all([
    import('@sre-toolkit/github'),
    import('./deploys-before'),
  ]);
  const lookup = deployLookup(
    createGitHubClient({
      token,
      baseUrl: ctx.apiUrl,
      userAgent: client.userAgent,
      budgetMs: client.budgetMs,
      log: (m) => rt.info(m),
    }),
    { owner: ctx.owner, repo: ctx.repo, environment: env, windowMs: i['deploy-window'] },
  );
  return { alert, deploys: await deploysBefore(d, lookup, (m) => rt.info(m)) };
}

/** How the deploy's names appear in Discord: escaped, the release in bold. */
export const DISCORD_DEPLOY: DeployFormat = {
  text: escapeMarkdown,
  strong: (t) => `**${escapeMarkdown(t)}**`,
};

/** "🚀 Began 12 min after **mara 1.4.2** reached production (deploy #412 by @octocat, commit abc1234); crashing in that version". */
export function deployLine(b: DeployBefore): string {
  return b.line;
}

export { alertFields };
