import { choiceIgnoringCase, optionalUrl } from './inputs';

/**
 * Severity and runbook link for every alert the toolkit sends, shared by the four actions: each
 * alert names its severity (SEV1–SEV3, as docs/INCIDENT_RESPONSE.md defines them) in its first
 * field and links to the runbook section for its alert type; recoveries link to the same section.
 *
 * An action adopts it with its two inputs (`severity: input(severityRule(), 'auto')`,
 * `'runbook-url': input(runbookUrlRule())`) and one call per alert:
 * `embed.fields = [...alertFields(alertContext('health-down', { … })), …]`.
 */

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The runbook's sections, by alert type: the heading each one links to (its GitHub anchor). */
export const RUNBOOK_SECTIONS = {
  'repeated-failure': { anchor: 'repeated-failure', title: 'Repeated failure' },
  'failure-rate': { anchor: 'repeated-failure', title: 'Repeated failure' },
  'silent-monitor': { anchor: 'silent-monitor', title: 'Silent monitor' },
  'health-down': { anchor: 'health-down', title: 'Health down' },
  'health-degraded': { anchor: 'health-down', title: 'Health down' },
  crash: { anchor: 'crash-spike-or-new-fatal-crash', title: 'Crash spike or new fatal crash' },
  'deploy-failed': { anchor: 'deploy-failed', title: 'Deploy failed' },
} as const;
export type AlertType = keyof typeof RUNBOOK_SECTIONS;

/** Where the runbook lives in a repository. */
export const RUNBOOK_PATH = 'docs/INCIDENT_RESPONSE.md';

/**
 * The runbook's severity for an alert type when the `severity` input is `auto`: health down SEV1
 * for a critical target (else SEV2), a failure streak on the default branch SEV2 (elsewhere SEV3),
 * a new fatal crash SEV2, a silent monitor SEV3.
 */
export function defaultSeverity(
  type: AlertType,
  facts: { readonly critical?: boolean; readonly defaultBranch?: boolean } = {},
): Severity {
  switch (type) {
    case 'health-down':
      return facts.critical ? 'SEV1' : 'SEV2';
    case 'repeated-failure':
      return facts.defaultBranch === false ? 'SEV3' : 'SEV2';
    case 'crash':
    case 'health-degraded':
      return 'SEV2';
    case 'deploy-failed':
      return facts.critical ? 'SEV1' : 'SEV2';
    case 'failure-rate':
    case 'silent-monitor':
      return 'SEV3';
  }
}

/** The `severity` input: `auto` (the runbook's default per alert type) or SEV1, SEV2, SEV3. */
export const severityRule = () => choiceIgnoringCase(['auto', ...SEVERITIES] as const);

/** The `runbook-url` input: blank for the repository's own runbook on its default branch. */
export const runbookUrlRule = optionalUrl;

/** `https://github.com/o/r/blob/HEAD/docs/INCIDENT_RESPONSE.md`: HEAD is the default branch, no request needed. */
export function defaultRunbookUrl(serverUrl: string, repository: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/${repository}/blob/HEAD/${RUNBOOK_PATH}`;
}

export interface AlertContext {
  readonly severity: Severity;
  /** The runbook section's URL, anchor included. */
  readonly runbookUrl: string;
  /** The section's heading, for the link text. */
  readonly runbookTitle: string;
}

export interface AlertContextOptions {
  /** The `severity` input: `auto` or a fixed severity. */
  readonly severity: 'auto' | Severity;
  /** The `runbook-url` input; blank: the repository's own runbook. */
  readonly runbookUrl: string;
  readonly serverUrl: string;
  readonly repository: string;
  readonly critical?: boolean;
  readonly defaultBranch?: boolean;
}

export function alertContext(type: AlertType, o: AlertContextOptions): AlertContext {
  const section = RUNBOOK_SECTIONS[type];
  const base = (o.runbookUrl || defaultRunbookUrl(o.serverUrl, o.repository)).replace(/#.*$/, '');
  return {
    severity: o.severity === 'auto' ? defaultSeverity(type, o) : o.severity,
    runbookUrl: `${base}#${section.anchor}`,
    runbookTitle: section.title,
  };
}

/** A Discord-style embed field (the shape every action's messages use). */
export interface ContextField {
  readonly name: string;
  readonly value: string;
  readonly inline?: boolean;
}

/** A markdown link whose URL cannot break out of its parentheses. */
const link = (label: string, url: string) => `[${label}](${url.replace(/[()\s]/g, encodeURIComponent)})`;

/** The alert's first field: its severity, and the runbook section to follow. */
export function alertFields(ctx: AlertContext): ContextField[] {
  return [
    { name: 'Severity', value: ctx.severity, inline: true },
    { name: 'Runbook', value: link(`Runbook: ${ctx.runbookTitle}`, ctx.runbookUrl), inline: true },
  ];
}

/** A recovery's field: the same runbook section (no severity: it is over). */
export function recoveryFields(ctx: AlertContext): ContextField[] {
  return [{ name: 'Runbook', value: link(`Runbook: ${ctx.runbookTitle}`, ctx.runbookUrl), inline: true }];
}
