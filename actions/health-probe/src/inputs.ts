import { bool, duration, input, integer, parseDuration, rule, shortText, text } from '@sre-toolkit/action';
import { parseMentions, webhookUrls } from '@sre-toolkit/discord';

/** A duration that may be zero (`retry-delay: 0s` retries at once). */
const delay = () =>
  rule<number>((t) => {
    const ms = /^0+(ms|s)?$/.test(t) ? 0 : parseDuration(t);
    return ms === undefined
      ? { error: `must be a duration like 500ms, 1s or 0s, got ${JSON.stringify(t)}` }
      : { value: ms };
  });

/** The GitHub budget: a duration up to 6 h (the job limit; longer would overflow no timer, but means nothing). */
const githubTimeout = () =>
  rule<number>((t) => {
    const ms = parseDuration(t);
    return ms === undefined || ms > 6 * 3_600_000
      ? { error: `must be a duration from 1ms to 6h, like 60s or 2m, got ${JSON.stringify(t)}` }
      : { value: ms };
  });

/**
 * The single source of truth for health-probe's inputs: names, defaults and rules. `targets` and
 * `config` are read as text here and parsed with the defaults below by @sre-toolkit/probes.
 */
export const inputs = {
  targets: input(text()),
  config: input(text()),
  timeout: input(duration(), '10s'),
  retries: input(integer(0, 10), '2'),
  'retry-delay': input(delay(), '1s'),
  concurrency: input(integer(1, 100), '10'),
  'cert-expiry-days': input(integer(0, 3650), '14'),
  'webhook-url': input(webhookUrls()),
  mention: input(rule(parseMentions)),
  issue: input(bool(), 'true'),
  'issue-label': input(shortText(50), 'incident'),
  'github-token': input(text(), '${{ github.token }}'),
  'github-timeout': input(githubTimeout(), '60s'),
  'fail-on-down': input(bool(), 'true'),
  'dry-run': input(bool(), 'false'),
};
