import { resolve } from 'node:path';
import {
  alertContext,
  defaultSeverity,
  parseDuration,
  SEVERITIES,
  splitList,
  type AlertContext,
  type Severity,
} from '@sre-toolkit/action';
import { type Mentions, parseMentions, parseWebhookUrl, type Webhook } from '@sre-toolkit/discord';
import { type DeployConfig, readDeployConfig } from './deploy-config';

/** The standalone server's settings, from the environment (docs/adopting.md, "Crash intake"). */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly exportToken: string;
  readonly ingestKey?: string;
  readonly appPackages: string[];
  readonly webhook?: Webhook;
  readonly mentions?: Mentions;
  readonly retentionDays: number;
  readonly rateLimit: number;
  readonly cooldownMs: number;
  /** Whole request (headers and body) must arrive within this; slow clients are cut off. */
  readonly requestTimeoutMs: number;
  /** Which proxies' `X-Forwarded-For` to believe (Fastify's `trustProxy`): the client IP the rate limit counts by. */
  readonly trustProxy: boolean | string;
  /** Severity and runbook section every alert shows (`CRASH_SEVERITY`, `CRASH_RUNBOOK_URL`). */
  readonly alertLabel: AlertLabel;
  /** The deploy lookup (deploy-config.ts); absent without GITHUB_TOKEN. */
  readonly deploy?: DeployConfig;
}

/** An alert's severity, and its runbook section when one is known (issue #14). */
export interface AlertLabel {
  readonly severity: Severity;
  readonly runbook?: Pick<AlertContext, 'runbookUrl' | 'runbookTitle'>;
}

/**
 * `CRASH_SEVERITY` (auto: the runbook's SEV2 for a new fatal crash) and `CRASH_RUNBOOK_URL`
 * (blank: the runbook of `GITHUB_REPOSITORY` when the server knows its repository, else no link).
 */
export function readAlertLabel(env: NodeJS.ProcessEnv): { value: AlertLabel } | { errors: string[] } {
  const errors: string[] = [];
  const sev = env.CRASH_SEVERITY?.trim() ?? '';
  const fixed = SEVERITIES.find((s) => s.toLowerCase() === sev.toLowerCase());
  if (sev && sev.toLowerCase() !== 'auto' && !fixed)
    errors.push(`CRASH_SEVERITY must be auto, SEV1, SEV2 or SEV3, not ${JSON.stringify(sev.slice(0, 40))}`);
  const url = env.CRASH_RUNBOOK_URL?.trim() ?? '';
  if (url) {
    const protocol = URL.canParse(url) ? new URL(url).protocol : '';
    if (protocol !== 'http:' && protocol !== 'https:')
      errors.push('CRASH_RUNBOOK_URL must be an http:// or https:// URL (the runbook page)');
  }
  if (errors.length) return { errors };
  const repository = env.GITHUB_REPOSITORY?.trim() ?? '';
  const serverUrl = env.GITHUB_SERVER_URL?.trim() || 'https://github.com';
  const severity = fixed ?? defaultSeverity('crash');
  if (!url && !repository) return { value: { severity } };
  const ctx = alertContext('crash', { severity, runbookUrl: url, serverUrl, repository });
  return { value: { severity, runbook: { runbookUrl: ctx.runbookUrl, runbookTitle: ctx.runbookTitle } } };
}

export type ConfigResult = { config: ServerConfig } | { errors: string[] };

const whole = (name: string, text: string | undefined, fallback: number, min: number, max: number) => {
  if (text === undefined || text.trim() === '') return { value: fallback };
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t) || Number(t) < min || Number(t) > max) {
    return {
      error: `${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(t.slice(0, 40))}`,
    };
  }
  return { value: Number(t) };
};

/** Reads and checks every variable; each problem is one message naming the variable and the rule. */
export function readConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): ConfigResult {
  const errors: string[] = [];
  const num = (r: { value: number } | { error: string }) => {
    if ('error' in r) {
      errors.push(r.error);
      return 0;
    }
    return r.value;
  };
  const port = num(whole('PORT', env.PORT, 8080, 0, 65535));
  const retentionDays = num(whole('CRASH_RETENTION_DAYS', env.CRASH_RETENTION_DAYS, 90, 1, 36500));
  const rateLimit = num(whole('CRASH_RATE_LIMIT', env.CRASH_RATE_LIMIT, 60, 1, 1_000_000));
  const exportToken = env.CRASH_EXPORT_TOKEN ?? '';
  if (!exportToken.trim()) {
    errors.push(
      'CRASH_EXPORT_TOKEN is required: it guards GET /api/crashes/export, which holds every stored report. Set it to a long random secret (e.g. `openssl rand -hex 32`) and give crash-digest the same value as source-token.',
    );
  } else if (exportToken.length < 16) {
    errors.push('CRASH_EXPORT_TOKEN must be at least 16 characters: it guards every stored report.');
  }
  const durationOf = (name: string, fallback: number, max: number) => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0 || ms > max) {
      errors.push(
        `${name} must be a duration like 30s, 15m or 6h (at most ${max / 3_600_000}h), not ${JSON.stringify(text.slice(0, 40))}`,
      );
      return fallback;
    }
    return ms;
  };
  const cooldownMs = durationOf('CRASH_ALERT_COOLDOWN', 6 * 3_600_000, 30 * 86_400_000);
  const requestTimeoutMs = durationOf('CRASH_REQUEST_TIMEOUT', 30_000, 3_600_000);
  let webhook: Webhook | undefined;
  const hook = env.DISCORD_WEBHOOK_ALERTS?.trim();
  if (hook) {
    const parsed = parseWebhookUrl(hook);
    if ('error' in parsed) errors.push(`DISCORD_WEBHOOK_ALERTS ${parsed.error}`);
    else webhook = parsed.value;
  }
  let mentions: Mentions | undefined;
  const mention = env.CRASH_ALERT_MENTION?.trim();
  if (mention) {
    const parsed = parseMentions(mention);
    if ('error' in parsed) errors.push(`CRASH_ALERT_MENTION ${parsed.error}`);
    else mentions = parsed.value;
  }
  const ingestKey = env.CRASH_INGEST_KEY?.trim();
  const trust = env.CRASH_TRUST_PROXY?.trim() ?? '';
  let trustProxy: boolean | string = false;
  if (trust === 'true') trustProxy = true;
  else if (trust && trust !== 'false') {
    if (!/^[0-9A-Fa-f.:/,\s]{1,1000}$/.test(trust) && trust !== 'loopback') {
      errors.push(
        `CRASH_TRUST_PROXY must be true, loopback, or a comma-separated list of proxy addresses or CIDR ranges, not ${JSON.stringify(trust.slice(0, 40))}`,
      );
    }
    trustProxy = trust;
  }
  const label = readAlertLabel(env);
  if ('errors' in label) errors.push(...label.errors);
  const deploy = readDeployConfig(env);
  if ('errors' in deploy) errors.push(...deploy.errors);
  if (errors.length || 'errors' in label || 'errors' in deploy) return { errors };
  return {
    config: {
      alertLabel: label.value,
      ...(deploy.value ? { deploy: deploy.value } : {}),
      port,
      host: env.HOST?.trim() || '0.0.0.0',
      dataDir: resolve(cwd, env.CRASH_DATA_DIR?.trim() || './crash-data'),
      exportToken,
      ...(ingestKey ? { ingestKey } : {}),
      appPackages: splitList(env.CRASH_APP_PACKAGE ?? ''),
      ...(webhook ? { webhook } : {}),
      ...(mentions ? { mentions } : {}),
      retentionDays,
      rateLimit,
      cooldownMs,
      requestTimeoutMs,
      trustProxy,
    },
  };
}
