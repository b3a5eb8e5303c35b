import { bool, input, integer, rule, secret, shortText, text, wait } from '@sre-toolkit/action';
import { parseMentions, webhookUrls } from '@sre-toolkit/discord';
import { targetsTextSecrets } from '@sre-toolkit/probes';

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
};
