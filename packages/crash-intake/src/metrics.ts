import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics on a registry of their own (never prom-client's global one). */
export class IntakeMetrics {
  readonly registry = new Registry();
  readonly accepted = new Counter({
    name: 'crash_intake_reports_accepted_total',
    help: 'Crash reports stored.',
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'crash_intake_reports_rejected_total',
    help: 'Crash reports refused, by reason.',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly alertsSent = new Counter({
    name: 'crash_intake_alerts_sent_total',
    help: 'Alerts delivered to Discord.',
    registers: [this.registry],
  });
  readonly alertsFailed = new Counter({
    name: 'crash_intake_alerts_failed_total',
    help: 'Alert deliveries that failed (each is retried).',
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'crash_intake_request_duration_seconds',
    help: 'Request latency by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly storedBytes = new Gauge({
    name: 'crash_intake_stored_bytes',
    help: 'Bytes in the NDJSON segments.',
    registers: [this.registry],
  });
  /** The histogram's series by route, method and status: prom-client hashes a label object on every observation. */
  private readonly latencySeries = new Map<string, ReturnType<Histogram['labels']>>();

  /** One request's latency; routes, methods (Node's parser knows a fixed set) and statuses are bounded. */
  observeLatency(route: string, method: string, status: number, seconds: number): void {
    const key = `${route} ${method} ${status}`;
    let series = this.latencySeries.get(key);
    if (!series) {
      series = this.latency.labels({ route, method, status: String(status) });
      this.latencySeries.set(key, series);
    }
    series.observe(seconds);
  }

  /** Reasons are schema messages without values, but a label set must stay bounded whatever comes. */
  private readonly reasons = new Set<string>();

  reject(reason: string, n = 1): void {
    let label = reason.slice(0, 120);
    if (!this.reasons.has(label)) {
      if (this.reasons.size >= 50) label = 'other';
      else this.reasons.add(label);
    }
    this.rejected.inc({ reason: label }, n);
  }
}
