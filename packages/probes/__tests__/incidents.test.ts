import { describe, expect, it } from '@jest/globals';
import { syncIncidents, type IncidentStore } from '../src/alerts';
import { planIncidents, readIncidentState, type IncidentState, type OpenIncident } from '../src/incidents';
import type { ProbeResult } from '../src/probe';

const NOW = new Date('2026-11-28T06:00:00.000Z');
const ctx = {
  repository: 'acme/mara',
  runUrl: 'https://github.com/acme/mara/actions/runs/1',
  workflow: 'health',
};

const result = (name: string, status: ProbeResult['status'], error: string | null = null): ProbeResult => ({
  name,
  url: `https://${name}.example.com/health`,
  status,
  http_status: status === 'down' ? 503 : 200,
  response_ms: 12,
  attempts: status === 'down' ? 3 : 1,
  error,
  cert_days_left: null,
  timings: { total: 12 },
});

const state = (since: string, downChecks = 1): IncidentState => ({
  target: 'api',
  since,
  lastDown: since,
  downChecks,
  lastError: 'connection refused',
});

describe('planIncidents', () => {
  it('opens for a new down target, updates an open one, closes a recovered one, ignores the rest', () => {
    const open = new Map<string, OpenIncident>([
      ['db', { number: 3, url: 'u3', state: { ...state('2026-11-28T05:00:00.000Z', 4), target: 'db' } }],
      ['api', { number: 7, url: 'u7', state: state('2026-11-28T05:30:00.000Z', 2) }],
    ]);
    const actions = planIncidents(
      [
        result('web', 'down', 'connection refused'),
        result('db', 'down', 'timed out after 10 s'),
        result('api', 'up'),
        result('cdn', 'degraded', 'slower than 500 ms: took 900 ms'),
      ],
      open,
      NOW,
    );
    expect(actions.map((a) => a.kind)).toEqual(['open', 'update', 'close', 'none']);
    expect(actions[0]).toMatchObject({
      state: { target: 'web', since: NOW.toISOString(), downChecks: 1, lastError: 'connection refused' },
    });
    expect(actions[1]).toMatchObject({
      state: {
        since: '2026-11-28T05:00:00.000Z',
        lastDown: NOW.toISOString(),
        downChecks: 5,
        lastError: 'timed out after 10 s',
      },
    });
    expect(actions[2]).toMatchObject({ kind: 'close', downtimeMs: 30 * 60_000 });
  });

  it('closes an incident when its target is degraded: it answers', () => {
    const open = new Map([['api', { number: 1, url: 'u', state: state('2026-11-28T05:59:00.000Z') }]]);
    expect(planIncidents([result('api', 'degraded', 'slow')], open, NOW)[0]?.kind).toBe('close');
  });

  it('starts over from now when the marker was lost', () => {
    const open = new Map([['api', { number: 1, url: 'u' }]]);
    expect(planIncidents([result('api', 'down', 'x')], open, NOW)[0]).toMatchObject({
      kind: 'update',
      state: { since: NOW.toISOString(), downChecks: 1 },
    });
  });
});

describe('readIncidentState', () => {
  it('accepts a well-formed marker and rejects one without a valid since', () => {
    expect(
      readIncidentState({ since: '2026-11-28T05:00:00Z', downChecks: 3, lastError: 'e', target: 'api' }),
    ).toEqual({
      target: 'api',
      since: '2026-11-28T05:00:00Z',
      lastDown: '2026-11-28T05:00:00Z',
      downChecks: 3,
      lastError: 'e',
    });
    expect(readIncidentState({ since: 'yesterday' })).toBeUndefined();
    expect(readIncidentState('x')).toBeUndefined();
  });
});

/** An in-memory store recording every write. */
function memoryStore(open: Map<string, OpenIncident> = new Map()) {
  const writes: string[] = [];
  const store: IncidentStore = {
    findOpen: async () => new Map(open),
    open: async (key, title) => {
      writes.push(`open ${key} "${title}"`);
      return { number: 9, url: 'https://github.com/acme/mara/issues/9' };
    },
    update: async (incident, key, body) => {
      writes.push(
        `update #${incident.number} ${key} ${body.includes('found down by 3 runs') ? '(3 runs)' : ''}`,
      );
    },
    close: async (incident, key, comment) => {
      writes.push(`close #${incident.number} ${key}: ${comment.split('\n')[0]}`);
    },
  };
  return { store, writes };
}

describe('syncIncidents', () => {
  it('alerts on a new incident with a link to its issue, pinging', async () => {
    const { store, writes } = memoryStore();
    const plan = await syncIncidents([result('api', 'down', 'connection refused'), result('web', 'up')], {
      store,
      readOnly: false,
      now: NOW,
      ctx,
      log: () => undefined,
    });
    expect(writes).toEqual(['open health-probe:api "🔴 api is down"']);
    expect(plan.embeds.map((e) => [e.title, e.url])).toEqual([
      ['❌ api is down: connection refused', 'https://github.com/acme/mara/issues/9'],
    ]);
    expect(plan.ping).toBe(true);
  });

  it('updates silently while down: no embed, no ping', async () => {
    const { store, writes } = memoryStore(
      new Map([['api', { number: 4, url: 'u4', state: state('2026-11-28T05:00:00.000Z', 2) }]]),
    );
    const logs: string[] = [];
    const plan = await syncIncidents([result('api', 'down', 'connection refused')], {
      store,
      readOnly: false,
      now: NOW,
      ctx,
      log: (m) => logs.push(m),
    });
    expect(writes).toEqual(['update #4 health-probe:api (3 runs)']);
    expect(plan.embeds).toEqual([]);
    expect(plan.ping).toBe(false);
    expect(logs).toEqual(['api: still down (incident #4, 3 runs); no alert.']);
  });

  it('closes with a downtime comment and one recovery embed that does not ping', async () => {
    const { store, writes } = memoryStore(
      new Map([['api', { number: 4, url: 'u4', state: state('2026-11-28T04:45:00.000Z', 5) }]]),
    );
    const plan = await syncIncidents([result('api', 'up')], {
      store,
      readOnly: false,
      now: NOW,
      ctx,
      log: () => undefined,
    });
    expect(writes).toEqual(['close #4 health-probe:api: ✅ **api** is up again, after 1h 15m of downtime.']);
    expect(plan.embeds.map((e) => e.title)).toEqual(['✅ api is up again after 1h 15m']);
    expect(plan.ping).toBe(false);
  });

  it('writes nothing in a dry run but still plans the alerts', async () => {
    const { store, writes } = memoryStore(
      new Map([['db', { number: 2, url: 'u2', state: state('2026-11-28T05:00:00.000Z') }]]),
    );
    const plan = await syncIncidents([result('api', 'down', 'e'), result('db', 'up')], {
      store,
      readOnly: true,
      now: NOW,
      ctx,
      log: () => undefined,
    });
    expect(writes).toEqual([]);
    expect(plan.embeds.map((e) => e.title)).toEqual(['❌ api is down: e', '✅ db is up again after 1h']);
  });

  it('alerts on every down target when there is no store, or the store cannot be read', async () => {
    const failing: IncidentStore = {
      ...memoryStore().store,
      findOpen: async () => {
        throw new Error(
          'The token may not do this while reading incident issues (403 Resource not accessible by integration).',
        );
      },
    };
    const results = [result('api', 'down', 'e'), result('web', 'up')];
    const none = await syncIncidents(results, { readOnly: false, now: NOW, ctx, log: () => undefined });
    expect(none.embeds.map((e) => e.title)).toEqual(['❌ api is down: e']);
    const broken = await syncIncidents(results, {
      store: failing,
      readOnly: false,
      now: NOW,
      ctx,
      log: () => undefined,
    });
    expect(broken.embeds.map((e) => e.title)).toEqual(['❌ api is down: e']);
    expect(broken.warnings).toEqual([
      'The token may not do this while reading incident issues (403 Resource not accessible by integration). Alerting on every down target this run.',
    ]);
  });
});
