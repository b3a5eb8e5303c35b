import {
  bool,
  duration,
  input,
  integer,
  type InputValues,
  number,
  optionalUrl,
  rule,
  runbookUrlRule,
  secret,
  severityRule,
  shortText,
  splitList,
  text,
  wait,
} from '@sre-toolkit/action';
import { parseByteSize } from '@sre-toolkit/crashes';
import { parseMentions, webhookUrls } from '@sre-toolkit/discord';

/** One path or glob per line; commas stay, since globs use them in `{a,b}`. */
const lines = () =>
  rule<string[]>((t) => ({
    value: t
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  }));

const packages = () =>
  rule<string[]>((t) => {
    const names = splitList(t);
    const bad = names.find((n) => !/^[a-z_][a-z0-9_]*$/.test(n));
    return bad
      ? {
          error: `must be Dart package names (lower case, digits, _), like "mara"; got ${JSON.stringify(bad)}`,
        }
      : { value: names };
  });

/** A size like 512MiB, from 1 KiB to 16 GiB. */
const bytes = () =>
  rule<number>((t) => {
    const n = parseByteSize(t);
    if (n === undefined || n < 1024 || n > 16 * 1024 ** 3) {
      return { error: `must be a size from 1KiB to 16GiB, like 64MiB or 512MiB, got ${JSON.stringify(t)}` };
    }
    return { value: n };
  });

/** The single source of truth for crash-digest's inputs: names, defaults and rules. */
export const inputs = {
  source: input(lines()),
  'source-url': input(optionalUrl(), '', { secret: secret.urls }),
  'source-token': input(text(), '', { secret: secret.value }),
  'source-timeout': input(wait(), '5m'),
  'source-max-bytes': input(bytes(), '512MiB'),
  'app-package': input(packages()),
  window: input(duration(), '24h'),
  top: input(integer(1, 50), '10'),
  'webhook-url': input(webhookUrls(), '', { secret: secret.webhookUrls }),
  'alerts-webhook-url': input(webhookUrls(), '', { secret: secret.webhookUrls }),
  'discord-timeout': input(wait(), '30s'),
  'spike-factor': input(number(1, 1000), '3'),
  'min-events': input(integer(1), '10'),
  'digest-file': input(text()),
  scrub: input(bool(), 'true'),
  mention: input(rule(parseMentions)),
  issues: input(bool(), 'false'),
  'github-token': input(text(), '${{ github.token }}', { secret: secret.value }),
  'github-timeout': input(wait(), '60s'),
  'dry-run': input(bool(), 'false'),
  'fail-on-error': input(bool(), 'false'),
  // Issue #14: severity and runbook link on the alert, the deploy before a new or spiking group.
  severity: input(severityRule(), 'auto'),
  'runbook-url': input(runbookUrlRule()),
  'deploy-environment': input(shortText(255), 'production'),
  'deploy-window': input(duration(), '2h'),
};

type Inputs = InputValues<typeof inputs>;

/** Where the reports come from, as collectDigest reads them. */
export const sourcesOf = (i: Inputs, cwd: string, userAgent: string) => ({
  patterns: i.source,
  cwd,
  url: i['source-url'],
  token: i['source-token'],
  userAgent,
});

/** How reports are grouped and compared with the window before. */
export const groupingOf = (i: Inputs, now: number) => ({
  appPackages: i['app-package'],
  now,
  windowMs: i.window,
  spikeFactor: i['spike-factor'],
  minEvents: i['min-events'],
});
