import * as http from 'node:http';
import { defaultSeverity, oneLine } from '@sre-toolkit/action';
import { normalizeReport, TraceCache } from '@sre-toolkit/crashes';
import {
  deliverAll,
  type DeliveryResult,
  type Mentions,
  nodeTransport,
  type Webhook,
  type WebhookMessage,
} from '@sre-toolkit/discord';
import Fastify, { type FastifyInstance } from 'fastify';
import { ReportChecker } from './accept';
import type { AlertLabel } from './config';
import type { DeployConfig } from './deploy-config';
import { DeployContext } from './deploy-context';
import { DAY_MS, Escalation } from './escalation';
import { IntakeMetrics } from './metrics';
import { BODY_LIMIT, registerPlugins, registerReads, registerReports } from './routes';
import { loadPseudonymKey } from './pseudonym-key';
import { ReportCounts } from './rate-limit';
import { type CrashStore, NdjsonSegmentStore } from './store';

export { BODY_LIMIT };
const USER_AGENT = 'sre-toolkit-crash-intake/1.0 (+https://github.com/)';

export interface CrashIntakeOptions {
  readonly dataDir: string;
  /** Bearer token for the export; required. */
  readonly exportToken: string;
  /** When set, reports must carry it in `x-crash-key`. */
  readonly ingestKey?: string;
  /** Packages whose frames are in-app (`CRASH_APP_PACKAGE`). */
  readonly appPackages?: readonly string[];
  readonly webhook?: Webhook;
  readonly mentions?: Mentions;
  /** Severity and runbook link on every alert; default: SEV2 (the runbook's new fatal crash), no link. */
  readonly alertLabel?: AlertLabel;
  readonly retentionDays?: number;
  /** Reports per minute per client on `POST /api/crashes` (a batch counts as what it holds). */
  readonly rateLimit?: number;
  readonly cooldownMs?: number;
  /** Another backend; the NDJSON segment store in `dataDir` by default. */
  readonly store?: CrashStore;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
  /** Fastify's `trustProxy`: whose `X-Forwarded-For` names the client (rate limit, logs). */
  readonly trustProxy?: boolean | string;
  /** For tests: how long alert retries wait at first. */
  readonly alertRetryMs?: number;
  /** Where alerts look up the deploy before a crash (GITHUB_TOKEN, …); none: no deploy context. */
  readonly deploy?: DeployConfig;
}

/** A `node:http` request handler, with what the process needs to run and stop it. */
export interface CrashIntake {
  (req: http.IncomingMessage, res: http.ServerResponse): void;
  readonly app: FastifyInstance;
  /** Stops taking requests, finishes writes and (for at most `ms`) alert deliveries. */
  close(ms?: number): Promise<void>;
}

/**
 * The crash intake as a request handler: `POST /api/crashes`, `GET /api/crashes/export`,
 * `GET /health`, `GET /metrics`. Fastify and its plugins do routing, body limits, content types,
 * compression, CORS and rate limiting; this wires them to the store and the escalation.
 */
export async function createCrashIntake(options: CrashIntakeOptions): Promise<CrashIntake> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const appPackages = options.appPackages ?? [];
  const retentionDays = options.retentionDays ?? 90;
  const store = options.store ?? new NdjsonSegmentStore(options.dataDir, now);
  const metrics = new IntakeMetrics();
  const transport = nodeTransport();

  const send = async (webhook: Webhook, message: WebhookMessage): Promise<DeliveryResult> => {
    const [result] = await deliverAll([webhook], [message], {
      transport,
      timeoutMs: 30_000,
      userAgent: USER_AGENT,
    });
    const r = result as DeliveryResult;
    if (r.ok) metrics.alertsSent.inc();
    else metrics.alertsFailed.inc();
    return r;
  };
  const deploys = options.deploy && new DeployContext({ ...options.deploy, userAgent: USER_AGENT, now, log });
  const escalation = new Escalation({
    dataDir: options.dataDir,
    appPackage: appPackages[0] ?? '',
    ...(options.webhook ? { webhook: options.webhook } : {}),
    ...(options.mentions ? { mentions: options.mentions } : {}),
    alertLabel: options.alertLabel ?? { severity: defaultSeverity('crash') },
    cooldownMs: options.cooldownMs ?? 6 * 3_600_000,
    retentionMs: retentionDays * DAY_MS,
    send,
    now,
    ...(options.alertRetryMs ? { retryMs: options.alertRetryMs } : {}),
    log,
    ...(deploys ? { deployLine: (facts) => deploys.line(facts) } : {}),
  });

  await store.open();
  const checker = new ReportChecker(appPackages, await loadPseudonymKey(options.dataDir), now);
  await store.prune(now(), retentionDays);
  await escalation.load();
  const traces = new TraceCache(appPackages);
  await store.forEachLine((line) => {
    try {
      const n = normalizeReport(JSON.parse(line), appPackages, traces);
      if ('crash' in n) escalation.remember(n.crash);
    } catch {
      // A line that is not JSON was never accepted; the digest skips it the same way.
    }
  });
  escalation.recoverMissed();
  const pruneTimer = setInterval(() => {
    store.prune(now(), retentionDays).then(
      (removed) => removed.length && log(`Retention: removed ${removed.join(', ')}.`),
      (error: Error) => log(`Retention: ${oneLine(error.message)}`),
    );
  }, 3_600_000);
  pruneTimer.unref();

  let handler: http.RequestListener | undefined;
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    // The standalone server (or the host application) owns the socket; fastify only routes.
    serverFactory: (h) => {
      handler = h;
      return http.createServer();
    },
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
  });

  const context = {
    store,
    metrics,
    checker,
    escalation,
    exportToken: options.exportToken,
    ...(options.ingestKey !== undefined ? { ingestKey: options.ingestKey } : {}),
    rateLimit: options.rateLimit ?? 60,
    reportCounts: new ReportCounts(),
    alertsOn: options.webhook !== undefined,
    // Read by /health (health.ts) for its github:deployments check.
    ...(deploys ? { deploys } : {}),
    now,
    log,
  };
  await registerPlugins(app, context);
  registerReports(app, context);
  registerReads(app, context);

  await app.ready();
  const route = handler as http.RequestListener;
  const intake = ((req: http.IncomingMessage, res: http.ServerResponse) => {
    route(req, res);
  }) as CrashIntake;
  Object.defineProperty(intake, 'app', { value: app });
  Object.defineProperty(intake, 'close', {
    value: async (ms = 10_000) => {
      clearInterval(pruneTimer);
      await app.close();
      await store.close();
      await escalation.stop(ms);
      transport.close();
    },
  });
  return intake;
}
