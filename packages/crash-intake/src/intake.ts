import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { oneLine } from '@sre-toolkit/action';
import { normalizeReport, TraceCache } from '@sre-toolkit/crashes';
import {
  deliverAll,
  type DeliveryResult,
  type Mentions,
  nodeTransport,
  type Webhook,
  type WebhookMessage,
} from '@sre-toolkit/discord';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { ReportChecker } from './accept';
import { DAY_MS, Escalation } from './escalation';
import { IntakeMetrics } from './metrics';
import { type CrashStore, NdjsonSegmentStore } from './store';

export const BODY_LIMIT = 256 * 1024;
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
  readonly retentionDays?: number;
  /** Requests per minute per client on `POST /api/crashes`. */
  readonly rateLimit?: number;
  readonly cooldownMs?: number;
  /** Another backend; the NDJSON segment store in `dataDir` by default. */
  readonly store?: CrashStore;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
  /** For tests: how long alert retries wait at first. */
  readonly alertRetryMs?: number;
}

/** A `node:http` request handler, with what the process needs to run and stop it. */
export interface CrashIntake {
  (req: http.IncomingMessage, res: http.ServerResponse): void;
  readonly app: FastifyInstance;
  /** Stops taking requests, finishes writes and (for at most `ms`) alert deliveries. */
  close(ms?: number): Promise<void>;
}

type ReportsReply = { accepted: number; rejected: { index: number; reason: string }[] };

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
  const checker = new ReportChecker(appPackages);
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
  const escalation = new Escalation({
    dataDir: options.dataDir,
    appPackage: appPackages[0] ?? '',
    ...(options.webhook ? { webhook: options.webhook } : {}),
    ...(options.mentions ? { mentions: options.mentions } : {}),
    cooldownMs: options.cooldownMs ?? 6 * 3_600_000,
    retentionMs: retentionDays * DAY_MS,
    send,
    now,
    ...(options.alertRetryMs ? { retryMs: options.alertRetryMs } : {}),
    log,
  });

  await store.open();
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
  });

  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'x-crash-key'],
    maxAge: 86_400,
  });
  // Only JSON bodies: Fastify's built-in text/plain parser would take a non-JSON body to the route.
  app.removeContentTypeParser('text/plain');
  // Compression for the export only (route option below: the plugin's route options replace its
  // global ones, content types included).
  await app.register(compress, { global: false });
  await app.register(rateLimit, {
    global: false,
    max: options.rateLimit ?? 60,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: `Too many requests: at most ${ctx.max} per minute per client; retry after ${Math.ceil(ctx.ttl / 1000)} s.`,
    }),
  });

  app.addHook('onResponse', (req, reply, done) => {
    metrics.latency.observe(
      { route: req.routeOptions.url ?? 'unmatched', method: req.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 429) return reply.code(429).send(error);
    const why =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `the body is over ${BODY_LIMIT / 1024} KiB: send at most ${BODY_LIMIT / 1024} KiB per request (a batch of fewer reports)`
        : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'the content type must be application/json'
          : error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
            ? 'the body is not valid JSON'
            : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
              ? 'the body is empty: send one crash report or an array of them'
              : status < 500
                ? oneLine(error.message)
                : 'internal error';
    if (status >= 500)
      log(`Error on ${req.method} ${req.routeOptions.url ?? '?'}: ${oneLine(error.message)}`);
    if (req.routeOptions.url === '/api/crashes' && status < 500) metrics.reject(why);
    return reply.code(status).send({ error: why });
  });

  const keyMatches = (given: string | undefined, expected: string) => {
    if (given === undefined) return false;
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(expected).digest();
    return timingSafeEqual(a, b);
  };

  app.post(
    '/api/crashes',
    { config: { rateLimit: { max: options.rateLimit ?? 60, timeWindow: 60_000 } } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      if (options.ingestKey !== undefined) {
        const given = req.headers['x-crash-key'];
        if (!keyMatches(typeof given === 'string' ? given : undefined, options.ingestKey)) {
          metrics.reject('missing or wrong x-crash-key');
          return reply.code(401).send({ error: 'missing or wrong x-crash-key header' });
        }
      }
      const checked = checker.check(req.body);
      if ('error' in checked) {
        metrics.reject(checked.error.replace(/\d+/g, 'N'));
        return reply.code(400).send({ error: checked.error });
      }
      for (const r of checked.rejected) metrics.reject(r.reason);
      if (!checked.accepted.length) {
        const first = checked.rejected[0];
        return reply.code(400).send({
          error: `no valid crash report: ${first ? `report ${first.index}: ${first.reason}` : 'none sent'}`,
          accepted: 0,
          rejected: checked.rejected,
        });
      }
      try {
        await store.append(checked.accepted.map((a) => a.line));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const full = code === 'ENOSPC' || code === 'EDQUOT';
        log(
          `Could not store ${checked.accepted.length} reports: ${code ?? oneLine((error as Error).message)}.`,
        );
        reply.header('retry-after', '60');
        return reply.code(full ? 507 : 503).send({
          error: full
            ? 'the intake is out of disk space: nothing was stored, send again later'
            : 'the intake could not store the reports: nothing was stored, send again later',
        });
      }
      metrics.accepted.inc(checked.accepted.length);
      for (const a of checked.accepted) escalation.accept(a.crash);
      const body: ReportsReply = { accepted: checked.accepted.length, rejected: checked.rejected };
      return reply.code(202).send(body);
    },
  );

  app.get(
    '/api/crashes/export',
    { compress: { encodings: ['gzip'], customTypes: /^application\/x-ndjson/ } },
    async (req, reply) => {
      const auth = req.headers.authorization;
      const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
      if (!keyMatches(token, options.exportToken)) {
        reply.header('www-authenticate', 'Bearer');
        return reply.code(401).send({ error: 'missing or wrong bearer token (CRASH_EXPORT_TOKEN)' });
      }
      const query = req.query as Record<string, unknown>;
      const range: { since?: number; until?: number } = {};
      for (const key of ['since', 'until'] as const) {
        const v = query[key];
        if (v === undefined || v === '') continue;
        const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
        if (Number.isNaN(ms)) {
          return reply.code(400).send({ error: `${key} must be an ISO 8601 time like 2026-11-30T00:00:00Z` });
        }
        range[key] = ms;
      }
      reply.header('content-type', 'application/x-ndjson; charset=utf-8');
      return reply.send(store.exportStream(range));
    },
  );

  app.get('/health', async (_req, reply) => {
    const disk = await store.check();
    const writeError = store.lastError();
    const alerts = escalation.status();
    const dataStatus = !disk.writable || writeError ? 'fail' : 'pass';
    const freeStatus =
      disk.freeBytes === undefined
        ? 'warn'
        : disk.freeBytes < 100 * 2 ** 20
          ? 'fail'
          : disk.freeBytes < 2 ** 30
            ? 'warn'
            : 'pass';
    const queueStatus = (alerts.oldestPendingMs ?? 0) > 5 * 60_000 ? 'warn' : 'pass';
    const discordStatus = alerts.lastError ? 'warn' : 'pass';
    const statuses = [dataStatus, freeStatus, queueStatus, discordStatus];
    const status = statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';
    const time = new Date(now()).toISOString();
    const body = {
      status,
      description: 'crash-intake',
      checks: {
        'data:writable': [
          {
            status: dataStatus,
            time,
            ...(writeError ? { output: `last write failed: ${writeError.code ?? writeError.message}` } : {}),
            ...(disk.error ? { output: `data folder not writable: ${disk.error}` } : {}),
          },
        ],
        'data:free-space': [
          { status: freeStatus, time, observedValue: disk.freeBytes ?? null, observedUnit: 'bytes' },
        ],
        'alerts:pending': [
          { status: queueStatus, time, observedValue: alerts.pending, observedUnit: 'alerts' },
        ],
        'alerts:oldest-pending': [
          {
            status: queueStatus,
            time,
            observedValue:
              alerts.oldestPendingMs === undefined ? 0 : Math.round(alerts.oldestPendingMs / 1000),
            observedUnit: 's',
          },
        ],
        'discord:delivery': [
          {
            status: discordStatus,
            time,
            ...(alerts.lastError ? { output: oneLine(alerts.lastError) } : {}),
            ...(options.webhook ? {} : { output: 'no DISCORD_WEBHOOK_ALERTS: alerts are off' }),
          },
        ],
      },
    };
    reply.header('content-type', 'application/health+json');
    reply.header('cache-control', 'no-store');
    return reply.code(status === 'fail' ? 503 : 200).send(JSON.stringify(body));
  });

  app.get('/metrics', async (_req, reply) => {
    metrics.storedBytes.set(store.storedBytes());
    reply.header('content-type', metrics.registry.contentType);
    return reply.send(await metrics.registry.metrics());
  });

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
