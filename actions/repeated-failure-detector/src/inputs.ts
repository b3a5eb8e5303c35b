import {
  bool,
  choices,
  duration,
  input,
  integer,
  number,
  rule,
  runbookUrlRule,
  secret,
  severityRule,
  shortText,
  wait,
} from '@sre-toolkit/action';
import { parseMentions, webhookUrls } from '@sre-toolkit/discord';
import { CONCLUSIONS } from '@sre-toolkit/failures';

const lines = (t: string) =>
  t
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/** `owner/name`; blank means the repository running the workflow. */
const repository = () =>
  rule<string>((t) =>
    !t || /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(t)
      ? { value: t }
      : { error: `must be owner/name, like octo-org/octo-repo; got ${JSON.stringify(t)}` },
  );

/** One per line (workflow names may hold commas). */
const workflowList = () => rule<string[]>((t) => ({ value: lines(t) }));

/** Branch names one per line or comma-separated; `*` alone means every branch. */
const branchList = () =>
  rule<string[]>((t) => {
    const items = t
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.includes('*') && items.length > 1)
      return { error: 'is either * (every branch) or a list of branch names, not both' };
    return { value: items };
  });

const optional = <T>(parse: (t: string) => { value: T } | { error: string }) =>
  rule<T | undefined>((t) => (t ? parse(t) : { value: undefined }));

const rate = (t: string): { value: number } | { error: string } => {
  const n = Number(t);
  return t !== '' && Number.isFinite(n) && n > 0 && n <= 1
    ? { value: n }
    : { error: `must be a fraction above 0 and at most 1, like 0.5; got ${JSON.stringify(t)}` };
};

const positive = (t: string): { value: number } | { error: string } =>
  /^\d+$/.test(t) && Number(t) >= 1
    ? { value: Number(t) }
    : { error: `must be a whole number of at least 1, got ${JSON.stringify(t)}` };

/** The single source of truth for repeated-failure-detector's inputs: names, defaults and rules. */
export const inputs = {
  'github-token': input(
    rule<string>((t) => (t ? { value: t } : { error: 'is required (the default is the job token)' })),
    '${{ github.token }}',
    { secret: secret.value },
  ),
  repository: input(repository()),
  workflows: input(workflowList()),
  branches: input(branchList()),
  threshold: input(integer(1, 1000), '3'),
  'failure-conclusions': input(
    choices(CONCLUSIONS.filter((c) => c !== 'success')),
    'failure, timed_out, startup_failure',
  ),
  lookback: input(duration(), '14d'),
  flaky: input(bool(), 'true'),
  'failure-rate': input(optional(rate)),
  'min-runs': input(integer(1, 1000), '10'),
  'remind-every': input(optional(positive)),
  'webhook-url': input(webhookUrls(), '', { secret: secret.webhookUrls }),
  mention: input(rule(parseMentions)),
  'discord-timeout': input(wait(), '30s'),
  issue: input(bool(), 'true'),
  'issue-label': input(shortText(50), 'repeated-failure'),
  'dry-run': input(bool(), 'false'),
  'fail-on-error': input(bool(), 'false'),
  'github-timeout': input(wait(), '60s'),
  stale: input(bool(), 'true'),
  'stale-after': input(number(1, 100), '3'),
  severity: input(severityRule(), 'auto'),
  'runbook-url': input(runbookUrlRule()),
  'deploy-environment': input(shortText(255), 'production'),
  'deploy-window': input(duration(), '2h'),
};
