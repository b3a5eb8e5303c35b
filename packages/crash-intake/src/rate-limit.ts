import { type FastifyRateLimitStoreCtor, normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';

/** One client's minute: when it began and how many reports it has sent in it. */
interface Window {
  start: number;
  count: number;
}

/**
 * `CRASH_RATE_LIMIT` counts reports per minute per client, not requests: a batch of 100 counts as
 * 100. @fastify/rate-limit keeps doing the limiting (its hook, `429`, `Retry-After`) with this as
 * its store: its hook counts every request as one before the body is read (so a refused or
 * malformed one counts too), and the route adds the rest of a batch once it knows its size
 * (`addReports`). A batch is taken whole while the client has allowance left, and what it used
 * counts against the rest of the minute. Fixed one-minute windows as in the plugin's own store;
 * at most `maxClients` of them are kept, the oldest dropped first.
 */
export class ReportCounts {
  /** In order of each window's start: a window that starts again moves to the end. */
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly windowMs = 60_000,
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds `n` reports to the client's minute; returns its count and the milliseconds left. */
  add(key: string, n: number): { current: number; ttl: number } {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.start + this.windowMs <= now) {
      if (w) this.windows.delete(key);
      else if (this.windows.size >= this.maxClients) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += n;
    return { current: w.count, ttl: w.start + this.windowMs - now };
  }

  /** The rest of a batch of `reports`, after the plugin counted its request as one. */
  addReports(req: FastifyRequest, reports: number): void {
    if (reports > 1) this.add(clientKey(req), reports - 1);
  }

  /** The plugin's `store` option: every route's store is this one. */
  store(): FastifyRateLimitStoreCtor {
    const add = (key: string) => this.add(key, 1);
    return class {
      incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void) {
        callback(null, add(key));
      }
      child() {
        return this;
      }
    };
  }
}

/** The client a request counts for: its IP (the one `trustProxy` believes), as the plugin keys it. */
export const clientKey = (req: FastifyRequest): string => normalizeIP(req.ip);
