import {
  bool,
  duration,
  input,
  integer,
  rule,
  runbookUrlRule,
  secret,
  severityRule,
  shortText,
  text,
  wait,
} from '@sre-toolkit/action';
import { parseMentions, webhookUrls } from '@sre-toolkit/discord';
import { parseMaintenance, targetsTextSecrets } from '@sre-toolkit/probes';

/**
 * The single source of truth for health-probe's inputs: names, defaults and rules. `targets` and
 * `config` are read as text here and parsed with the defaults below by @sre-toolkit/probes.
 */
export const inputs = {
  // URLs and header values, registered before the YAML is parsed (the config file's are registered as it is read).
  targets: input(text(), '', { secret: targetsTextSecrets }),
  config: input(text()),
  timeout: input(wait(), '10s'),
  retries: input(integer(0, 10), '2'),
  'retry-delay': input(wait({ zero: true }), '1s'),
  concurrency: input(integer(1, 100), '10'),
  'cert-expiry-days': input(integer(0, 3650), '14'),
  'webhook-url': input(webhookUrls(), '', { secret: secret.webhookUrls }),
  'discord-timeout': input(wait(), '30s'),
  mention: input(rule(parseMentions)),
  issue: input(bool(), 'true'),
  'issue-label': input(shortText(50), 'incident'),
  'github-token': input(text(), '${{ github.token }}', { secret: secret.value }),
  'github-timeout': input(wait(), '60s'),
  'fail-on-down': input(bool(), 'true'),
  'dry-run': input(bool(), 'false'),
  // Memory across runs. An explicit '' turns state-branch and remind-every off: main reads them raw,
  // because an empty input otherwise means "the default".
  'state-branch': input(rule(branchName), 'health-state'),
  'failure-threshold': input(integer(1, 100), '1'),
  'success-threshold': input(integer(1, 100), '1'),
  'remind-every': input(duration(), '4h'),
  'mention-on-reminder': input(bool(), 'false'),
  maintenance: input(rule(parseMaintenance)),
  'status-page': input(text()),
  // Issue #14: severity and runbook link on every alert, the deploy before an outage.
  severity: input(severityRule(), 'auto'),
  'runbook-url': input(runbookUrlRule()),
  'deploy-environment': input(shortText(255), 'production'),
  'deploy-window': input(duration(), '2h'),
};

/** A branch name git accepts (the common rules; GitHub refuses the rest with a 422). */
function branchName(t: string): { value: string } | { error: string } {
  const badChar = [...t].some((c) => c <= ' ' || c === '\u007f' || '~^:?*[\\'.includes(c));
  const badShape = ['..', '//', '@{'].some((p) => t.includes(p)) || /^\/|\/$|\.$|\.lock$/.test(t);
  if (t === '' || (!badChar && !badShape)) return { value: t };
  return {
    error: `must be a git branch name (no spaces, ~ ^ : ? * [ \\ or ..), got ${JSON.stringify(t.slice(0, 60))}`,
  };
}
