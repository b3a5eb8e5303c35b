import { createHash, timingSafeEqual } from 'node:crypto';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { oneLine } from '@sre-toolkit/action';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReportChecker } from './accept';
import type { Escalation } from './escalation';
import { healthReport } from './health';
import type { IntakeMetrics } from './metrics';
import { clientKey, type ReportCounts } from './rate-limit';
import type { CrashStore } from './store';

export const BODY_LIMIT = 256 * 1024;

/** What the routes work with. */
export interface IntakeContext {
  readonly store: CrashStore;
  readonly metrics: IntakeMetrics;
  readonly checker: ReportChecker;
  readonly escalation: Escalation;
  readonly exportToken: string;
  readonly ingestKey?: string;
  /** Reports per minute per client on `POST /api/crashes`. */
  readonly rateLimit: number;
  /** What the rate limit has counted (rate-limit.ts). */
  readonly reportCounts: ReportCounts;
  readonly alertsOn: boolean;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

type ReportsReply = { accepted: number; rejected: { index: number; reason: string }[] };

/** Constant-time: both sides hashed to the same length first, so the length leaks nothing either. */
export function keyMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** CORS (Flutter web), compression (the export), rate limiting (the POST), metrics and errors. */
export async function registerPlugins(app: FastifyInstance, c: IntakeContext): Promise<void> {
  const { metrics, log } = c;
  const options = { rateLimit: c.rateLimit };
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
    max: options.rateLimit,
    timeWindow: c.reportCounts.windowMs,
    store: c.reportCounts.store(),
    keyGenerator: clientKey,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: `Too many requests: at most ${ctx.max} reports per minute per client; retry after ${Math.ceil(ctx.ttl / 1000)} s.`,
    }),
  });

  app.addHook('onResponse', (req, reply, done) => {
    metrics.observeLatency(
      req.routeOptions.url ?? 'unmatched',
      req.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 429) {
      if (req.routeOptions.url === '/api/crashes') metrics.reject('rate limited');
      return reply.code(429).send(error);
    }
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
}

/** `POST /api/crashes`: check, scrub, store (durably), then escalate. */
export function registerReports(app: FastifyInstance, c: IntakeContext): void {
  const { store, metrics, checker, escalation, log, reportCounts } = c;
  const options = { ingestKey: c.ingestKey, rateLimit: c.rateLimit };
  app.post(
    '/api/crashes',
    { config: { rateLimit: { max: options.rateLimit, timeWindow: reportCounts.windowMs } } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      if (options.ingestKey !== undefined) {
        const given = req.headers['x-crash-key'];
        if (!keyMatches(typeof given === 'string' ? given : undefined, options.ingestKey)) {
          metrics.reject('missing or wrong x-crash-key');
          return reply.code(401).send({ error: 'missing or wrong x-crash-key header' });
        }
      }
      const checked = checker.check(req.body);
      // The plugin counted this request as one report; a batch counts as what it holds.
      if (!('error' in checked))
        reportCounts.addReports(req, checked.accepted.length + checked.rejected.length);
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
}

/** A date or a date-time with a zone (the shape the schema gives report timestamps); linear pattern. */
const EXPORT_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const YEAR_2000 = Date.UTC(2000, 0, 1);
const YEAR_10000 = Date.UTC(10_000, 0, 1);

/** Milliseconds of an export bound, or undefined when it is not an ISO 8601 time in 2000–9999. */
export function exportTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || !EXPORT_TIME.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms >= YEAR_2000 && ms < YEAR_10000 ? ms : undefined;
}

/** `GET /api/crashes/export`, `/health` and `/metrics`. */
export function registerReads(app: FastifyInstance, c: IntakeContext): void {
  const { store, metrics } = c;
  const options = { exportToken: c.exportToken };
  app.get(
    '/api/crashes/export',
    { compress: { encodings: ['gzip'], customTypes: /^application\/x-ndjson/ } },
    async (req, reply) => {
      const auth = req.headers.authorization;
      // The scheme is case-insensitive (RFC 9110 §11.1); the token is compared in constant time.
      const token =
        typeof auth === 'string' && auth.slice(0, 7).toLowerCase() === 'bearer ' ? auth.slice(7) : undefined;
      if (!keyMatches(token, options.exportToken)) {
        reply.header('www-authenticate', 'Bearer');
        return reply.code(401).send({ error: 'missing or wrong bearer token (CRASH_EXPORT_TOKEN)' });
      }
      const query = req.query as Record<string, unknown>;
      const range: { since?: number; until?: number } = {};
      for (const key of ['since', 'until'] as const) {
        const v = query[key];
        if (v === undefined || v === '') continue;
        const ms = exportTime(v);
        if (ms === undefined) {
          return reply.code(400).send({
            error: `${key} must be an ISO 8601 time between the years 2000 and 9999, like 2026-11-30T00:00:00Z`,
          });
        }
        range[key] = ms;
      }
      reply.header('content-type', 'application/x-ndjson; charset=utf-8');
      return reply.send(store.exportStream(range));
    },
  );

  app.get('/health', async (_req, reply) => {
    const { status, body } = await healthReport(c);
    reply.header('content-type', 'application/health+json');
    reply.header('cache-control', 'no-store');
    return reply.code(status === 'fail' ? 503 : 200).send(JSON.stringify(body));
  });

  app.get('/metrics', async (_req, reply) => {
    metrics.storedBytes.set(store.storedBytes());
    reply.header('content-type', metrics.registry.contentType);
    return reply.send(await metrics.registry.metrics());
  });
}
