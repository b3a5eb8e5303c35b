import {
  alertContext,
  alertFields,
  recoveryFields,
  type AlertContext,
  type AlertType,
} from '@sre-toolkit/action';
import type { DetectorContext } from './context';
import type { DetectorInputs } from './detector';
import { escapeMarkdown } from '@sre-toolkit/discord';
import {
  deploySentence,
  describeGitHubError,
  failedSteps,
  type DeployFormat,
  type DeployInfo,
  type DeployLookup,
  type FailedStep,
  type GitHubClient,
} from '@sre-toolkit/github';
import type { IncidentWriter } from './incident-writer';
import { incidentBody, incidentComment, incidentTitle, issueText } from './issue-text';
import { incidentEmbed, type Embed } from './messages';
import { alertKind, pings, planIncidents, type IncidentChange, type DetectorAlertKind } from './plan';
import type { ScanResult, Target } from './scan';
import { silentKey, type SilentLook } from './silent-scan';
import {
  silentCloseComment,
  silentEmbed,
  silentIssueBody,
  silentIssueTitle,
  silentRecoveryEmbed,
} from './silent-text';

/**
 * Carries out the plan: for every change, write its issue (the state) first, then build its
 * message. A change whose issue could not be written is still sent (every fault still alerts),
 * marked `unrecorded`: without its state, later scans will send it again until writes work.
 */

export interface DetectorAlert {
  readonly kind: DetectorAlertKind;
  /** The workflow and branch it is about; silent-monitor alerts have none (they are about a workflow). */
  readonly target?: Target;
  /** The silent-monitor look it is about. */
  readonly silent?: SilentLook;
  readonly title: string;
  readonly embed: Embed;
  /** Alerts and reminders ping the `mention` list; recoveries never do. */
  readonly pings: boolean;
  readonly issueUrl?: string;
  /** What happened to the issue ('opened #3', 'closed #3', …), for the summary. */
  readonly issueAction?: string;
  /** Set when its issue write was refused or skipped after a refusal: what could not be done. */
  readonly unrecorded?: string;
}

/** Severity and runbook section of an alert type (the `severity` and `runbook-url` inputs applied). */
export type ContextOf = (type: AlertType, facts?: { readonly defaultBranch?: boolean }) => AlertContext;

/** Severity and runbook link per alert type, from the inputs. */
export function contextOf(
  i: Pick<DetectorInputs, 'severity' | 'runbook-url'>,
  where: DetectorContext,
): ContextOf {
  return (type, facts = {}) =>
    alertContext(type, {
      severity: i.severity,
      runbookUrl: i['runbook-url'],
      serverUrl: where.serverUrl,
      repository: where.repository,
      ...facts,
    });
}

/** The embed with its severity first and its runbook link (a recovery: the link only). */
export function withContext(embed: Embed, ctx: AlertContext, recovery: boolean): Embed {
  const fields = recovery ? recoveryFields(ctx) : alertFields(ctx);
  return { ...embed, fields: [...fields, ...(embed.fields ?? [])] };
}

export interface ApplyOptions {
  readonly owner: string;
  readonly repo: string;
  /** Undefined: issues are off or this is a dry run; nothing is written. */
  readonly writer?: IncidentWriter;
  readonly failing: ReadonlySet<string>;
  readonly rateThreshold?: number;
  readonly lookbackText: string;
  readonly serverUrl: string;
  readonly now: Date;
  readonly log: (message: string) => void;
  /** Severity and runbook link per alert type; without it, alerts carry neither. */
  readonly context?: ContextOf;
  /** The deploy that succeeded shortly before a time (`deploy-environment`, `deploy-window`). */
  readonly deployBefore?: DeployLookup;
}

export interface ApplyResult {
  readonly notifications: DetectorAlert[];
  /** One message per problem, for `::error` (issue writes refused, GitHub down). */
  readonly errors: readonly string[];
  /** Silent state updates made ('#3: 5 failures'). */
  readonly updates: string[];
}

interface Written {
  readonly issueUrl?: string;
  readonly issueAction?: string;
  readonly unrecorded?: string;
}

export async function applyScan(
  client: GitHubClient,
  scan: ScanResult,
  o: ApplyOptions,
): Promise<ApplyResult> {
  const notifications: DetectorAlert[] = [];
  const updates: string[] = [];
  const repository = `${o.owner}/${o.repo}`;
  const texts = {
    serverUrl: o.serverUrl,
    repository,
    rateThreshold: o.rateThreshold ?? 0,
    lookbackText: o.lookbackText,
  };
  for (const change of planIncidents(scan, o.rateThreshold !== undefined)) {
    const alerting =
      change.state.kind === 'streak' && (change.change === 'open' || change.change === 'remind');
    const steps = alerting ? await stepsOf(client, o, change.state.last_run_id) : [];
    const deploy = change.change === 'open' ? await deployOf(o, startOf(change)) : undefined;
    const body = incidentBody(change, steps, texts);
    const written = o.writer
      ? await write(
          o.writer,
          change,
          deploy
            ? `${body}\n\nThis ${deploySentence(deploy.info, deploy.start, 'incident began', ISSUE_FORMAT)}.`
            : body,
        )
      : change.issue
        ? { issueUrl: change.issue.url }
        : {};
    const kind = alertKind(change);
    if (!kind) {
      if (written.issueAction) updates.push(`#${change.issue?.number}: ${countOf(change)} failures`);
      continue;
    }
    const plain = incidentEmbed(change, steps, written.issueUrl, {
      repository,
      now: o.now,
      rateRule: { threshold: o.rateThreshold ?? 0, lookback: o.lookbackText },
    });
    const type = change.state.kind === 'rate' ? 'failure-rate' : 'repeated-failure';
    const withDeploy = deploy
      ? {
          ...plain,
          fields: [
            ...(plain.fields ?? []),
            {
              name: 'Deploy before',
              value: deploySentence(deploy.info, deploy.start, 'Began', DISCORD_FORMAT),
            },
          ],
        }
      : plain;
    const onDefault = scan.defaultBranch ? change.target.branch === scan.defaultBranch : undefined;
    const embed = o.context
      ? withContext(
          withDeploy,
          o.context(type, onDefault === undefined ? {} : { defaultBranch: onDefault }),
          kind === 'recovery' || kind === 'rate-cleared',
        )
      : withDeploy;
    notifications.push({
      kind,
      target: change.target,
      title: embed.title ?? '',
      embed,
      pings: pings(change),
      ...written,
    });
  }
  notifications.push(...(await applySilent(scan.silent, o, updates, repository)));
  return { notifications, errors: o.writer?.errors ?? [], updates };
}

/** Silent monitors: open an issue and alert once, record quietly, close with one recovery. */
async function applySilent(
  looks: readonly SilentLook[],
  o: ApplyOptions,
  updates: string[],
  repository: string,
): Promise<DetectorAlert[]> {
  const alerts: DetectorAlert[] = [];
  for (const look of looks) {
    const key = silentKey(look.workflow.id);
    const issue = look.issue;
    const w = o.writer;
    if (look.change === 'open' && look.silence) {
      const s = look.silence;
      let written: Written = {};
      if (w) {
        const opened = await w.open(key, silentIssueTitle(s), silentIssueBody(s, o.now), s);
        written = opened
          ? { issueUrl: opened.url, issueAction: `opened #${opened.number}` }
          : { unrecorded: 'its issue could not be opened' };
      }
      const plain = silentEmbed(s, repository, written.issueUrl, o.now);
      const embed = o.context ? withContext(plain, o.context('silent-monitor'), false) : plain;
      alerts.push({ kind: 'silent', silent: look, title: embed.title ?? '', embed, pings: true, ...written });
    } else if (look.change === 'record' && look.silence && issue && w) {
      if (await w.update(issue, key, silentIssueBody(look.silence, o.now), look.silence))
        updates.push(`#${issue.number}: ${look.silence.reason}`);
    } else if (look.change === 'close' && look.known) {
      let written: Written = issue ? { issueUrl: issue.url } : {};
      if (w && issue) {
        const done = await w.close(issue, key, silentCloseComment(look.known, look.lastRun, o.now), {
          ...look.known,
          ...(look.lastRun ? { last_run_at: look.lastRun.createdAt, last_run_url: look.lastRun.url } : {}),
        });
        written = done
          ? { ...written, issueAction: `closed #${issue.number}` }
          : { ...written, unrecorded: `issue #${issue.number} could not be closed` };
      }
      const plain = silentRecoveryEmbed(look.known, look.lastRun, repository, written.issueUrl, o.now);
      const embed = o.context ? withContext(plain, o.context('silent-monitor'), true) : plain;
      alerts.push({
        kind: 'silent-recovered',
        silent: look,
        title: embed.title ?? '',
        embed,
        pings: false,
        ...written,
      });
    }
  }
  return alerts;
}

const DISCORD_FORMAT: DeployFormat = { text: escapeMarkdown, strong: (t) => `**${escapeMarkdown(t)}**` };
const ISSUE_FORMAT: DeployFormat = { text: issueText, strong: (t) => `**${issueText(t)}**` };

/** When the incident began: the streak's first failure, or when the rate crossed. */
const startOf = (c: IncidentChange) =>
  new Date(c.state.kind === 'rate' ? c.state.since : c.state.first_failed_at);

/** The deploy before `start`, if any; a lookup that fails is logged, and the alert goes without it. */
async function deployOf(
  o: ApplyOptions,
  start: Date,
): Promise<{ info: DeployInfo; start: Date } | undefined> {
  if (!o.deployBefore) return undefined;
  try {
    const info = await o.deployBefore(start);
    return info ? { info, start } : undefined;
  } catch (error) {
    o.log(`No deploy context: ${describeGitHubError(error, 'listing deployments', 'deployments: read')}`);
    return undefined;
  }
}

const countOf = (c: IncidentChange) => (c.state.kind === 'streak' ? c.state.count : c.state.failed);

/** The one write a change needs, and what came of it. */
async function write(w: IncidentWriter, c: IncidentChange, body: string): Promise<Written> {
  const issue = c.issue;
  if (c.change === 'open') {
    const opened = await w.open(c.key, incidentTitle(c.state), body, c.state);
    return opened
      ? { issueUrl: opened.url, issueAction: `opened #${opened.number}` }
      : { unrecorded: 'its issue could not be opened' };
  }
  if (!issue) return {};
  const at = { issueUrl: issue.url };
  const comment = incidentComment(c);
  if (c.change === 'close') {
    const done = await w.close(issue, c.key, comment ?? '', c.state);
    return done
      ? { ...at, issueAction: `closed #${issue.number}` }
      : { ...at, unrecorded: `issue #${issue.number} could not be closed` };
  }
  const done = await w.update(issue, c.key, body, c.state, comment);
  if (done) return { ...at, issueAction: `${comment ? 'commented on' : 'updated'} #${issue.number}` };
  return { ...at, unrecorded: `issue #${issue.number} could not be updated` };
}

async function stepsOf(client: GitHubClient, o: ApplyOptions, runId: number): Promise<FailedStep[]> {
  try {
    return await failedSteps(client, { owner: o.owner, repo: o.repo }, runId, o.failing);
  } catch (error) {
    // The alert is still worth sending without the step name.
    o.log(`Could not read the jobs of run ${runId}: ${describeGitHubError(error, 'reading jobs')}`);
    return [];
  }
}
