import {
  alertContext,
  alertFields,
  oneLine,
  recoveryFields,
  type AlertContext,
  type Severity,
} from '@sre-toolkit/action';
import { escapeMarkdown, type Embed } from '@sre-toolkit/discord';
import type { RunContext, Runtime } from '@sre-toolkit/action';
import type { Target } from './targets';
import {
  createGitHubClient,
  deployLookup,
  type GitHubClientOptions,
  deploySentence,
  describeGitHubError,
  type DeployFormat,
  type DeployInfo,
  type DeployLookup,
} from '@sre-toolkit/github';

/**
 * Issue #14 on health-probe: every alert names its severity and links to the runbook's "Health
 * down" section (a critical target's outage is SEV1, others SEV2; certificates and degraded
 * answers SEV2); recoveries link to the same section; an incident that opens says which deploy
 * reached the environment shortly before it began (`deploy-environment`, `deploy-window`).
 */

export interface ProbeContextOptions {
  /** The `severity` input: `auto` or a fixed severity. */
  readonly severity: 'auto' | Severity;
  /** The `runbook-url` input; blank: the repository's own runbook. */
  readonly runbookUrl: string;
  readonly serverUrl: string;
  readonly repository: string;
  /** Targets marked `critical: true`. */
  readonly critical: ReadonlySet<string>;
  /** The deploy that succeeded shortly before a time; undefined: `deploy-environment: none`. */
  readonly deployBefore?: DeployLookup | undefined;
}

export type ProbeAlertType = 'health-down' | 'health-degraded';

export interface ProbeContext {
  /** The embed with its severity and runbook link first. */
  alert(embed: Embed, target: string, type: ProbeAlertType): Embed;
  /** The embed with the runbook link first (no severity: it is over). */
  recovery(embed: Embed, target: string): Embed;
  /** The deploy before `start`, or undefined (none, or the lookup failed: logged, the alert still goes). */
  deployBefore(start: Date, log: (message: string) => void): Promise<DeployInfo | undefined>;
}

export function probeContext(o: ProbeContextOptions): ProbeContext {
  const of = (target: string, type: ProbeAlertType): AlertContext =>
    alertContext(type, {
      severity: o.severity,
      runbookUrl: o.runbookUrl,
      serverUrl: o.serverUrl,
      repository: o.repository,
      critical: o.critical.has(target),
    });
  const first = (embed: Embed, fields: readonly { name: string; value: string; inline?: boolean }[]) => ({
    ...embed,
    fields: [...fields, ...(embed.fields ?? [])],
  });
  return {
    alert: (embed, target, type) => first(embed, alertFields(of(target, type))),
    recovery: (embed, target) => first(embed, recoveryFields(of(target, 'health-down'))),
    deployBefore: async (start, log) => {
      if (!o.deployBefore) return undefined;
      try {
        return await o.deployBefore(start);
      } catch (error) {
        log(`No deploy context: ${describeGitHubError(error, 'listing deployments', 'deployments: read')}`);
        return undefined;
      }
    },
  };
}

/** Deploy text in a Discord message: escaped, the app and version in bold. */
export const DISCORD_DEPLOY: DeployFormat = {
  text: escapeMarkdown,
  strong: (t) => `**${escapeMarkdown(t)}**`,
};

/** Deploy text in an issue: no markdown, mentions, issue links or comment delimiters. */
const issueText = (text: string) =>
  escapeMarkdown(oneLine(text).replace(/<!--|--!?>/g, (m) => m.replace(/-/g, '\u2011')))
    .replace(/@(?=\w)/g, '@\u2060')
    .replace(/#(?=\d)/g, '#\u2060');
export const ISSUE_DEPLOY: DeployFormat = { text: issueText, strong: (t) => `**${issueText(t)}**` };

/** The "Deploy before" field of a down alert. */
export function deployField(d: DeployInfo, start: Date) {
  return { name: 'Deploy before', value: deploySentence(d, start, 'Began', DISCORD_DEPLOY), inline: false };
}

/** The issue body's closing line. */
export function deployLine(d: DeployInfo, start: Date): string {
  return `This ${deploySentence(d, start, 'incident began', ISSUE_DEPLOY)}.`;
}

/** The inputs the context reads, as the action's schema parses them. */
export interface ContextInputs {
  readonly severity: 'auto' | Severity;
  readonly 'runbook-url': string;
  /** `none`: no deploy lookup. */
  readonly 'deploy-environment': string;
  readonly 'deploy-window': number;
}

/**
 * The run's context from its inputs: the deploy lookup needs a token and a repository (without
 * them alerts go out without deploy context, as with `deploy-environment: none`).
 */
export function contextFor(
  rt: Runtime,
  ctx: RunContext,
  targets: readonly Target[],
  client: Omit<GitHubClientOptions, 'baseUrl' | 'log'>,
  i: ContextInputs,
): ProbeContext {
  const env = i['deploy-environment'];
  const lookup =
    env && env !== 'none' && client.token && !client.token.startsWith('${{') && ctx.owner
      ? deployLookup(createGitHubClient({ ...client, baseUrl: ctx.apiUrl, log: (m) => rt.info(m) }), {
          owner: ctx.owner,
          repo: ctx.repo,
          environment: env,
          windowMs: i['deploy-window'],
        })
      : undefined;
  return probeContext({
    severity: i.severity,
    runbookUrl: i['runbook-url'],
    serverUrl: ctx.serverUrl,
    repository: ctx.repository,
    critical: new Set(targets.filter((t) => t.critical).map((t) => t.name)),
    deployBefore: lookup,
  });
}
