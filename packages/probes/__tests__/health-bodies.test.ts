import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { declaredVerdict, failingComponents } from '../src/health-bodies';
import type { AttemptOutcome } from '../src/http-attempt';
import { judge } from '../src/probe';
import { parseTargets, type Target } from '../src/targets';
import { loadYaml } from '../src/yaml-parser';

// The parsers take the YAML library loaded beforehand (as health-probe's run does).
await loadYaml();

const NOW = new Date('2026-11-28T06:00:00Z');
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'health-bodies');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function target(yaml: string): Target {
  const r = parseTargets(
    { targets: yaml, config: '' },
    { timeoutMs: 10_000, retries: 0, retryDelayMs: 0, certExpiryDays: 14 },
    () => '',
  );
  if ('errors' in r) throw new Error(JSON.stringify(r.errors));
  return r.value[0] as Target;
}

const answer = (status: number, body: string, contentType: string): AttemptOutcome => ({
  kind: 'response',
  status,
  contentType,
  body,
  timings: { total: 12 },
});

const bare = target('- https://api.example.com/actuator/health');
const verdict = (t: Target, status: number, body: string, type = 'application/json') => {
  const v = judge(t, answer(status, body, type), NOW);
  return { status: v.status, error: v.error };
};

describe('real health bodies, judged as their formats define them', () => {
  it('believes Spring Boot when it says UP, with nested components', () => {
    expect(verdict(bare, 200, fixture('spring-boot-components.json'))).toEqual({ status: 'up', error: null });
  });

  it('judges a 200 whose Spring body says DOWN as down, naming the failing components deepest first', () => {
    const body = fixture('spring-boot-components-down.json');
    expect(verdict(bare, 200, body, 'application/vnd.spring-boot.actuator.v3+json')).toEqual({
      status: 'down',
      error: 'health check says DOWN; broker/us2 is OUT_OF_SERVICE, db is DOWN',
    });
    // The default mapping answers 503: the message still says why, not only "got 503".
    expect(verdict(bare, 503, body)).toEqual({
      status: 'down',
      error: 'expected status 200-399, got 503; broker/us2 is OUT_OF_SERVICE, db is DOWN',
    });
  });

  it('reads OUT_OF_SERVICE and the 2.0/2.1 `details` shape', () => {
    expect(verdict(bare, 200, fixture('spring-boot-2.1-details.json'))).toEqual({
      status: 'down',
      error: 'health check says OUT_OF_SERVICE; maintenance is OUT_OF_SERVICE',
    });
  });

  it('reads application/health+json case-insensitively, with its checks named', () => {
    expect(verdict(bare, 200, fixture('health-json-draft.json'), 'application/health+json')).toEqual({
      status: 'down',
      error:
        'health check says FAIL (application/health+json status); cassandra:responseTime is fail, cassandra:connections is warn',
    });
    for (const pass of ['pass', 'PASS', 'ok', 'Up']) {
      expect(verdict(bare, 200, JSON.stringify({ status: pass }), 'application/health+json').status).toBe(
        'up',
      );
    }
    for (const fail of ['error', 'DOWN', 'Fail']) {
      expect(verdict(bare, 200, JSON.stringify({ status: fail }), 'application/health+json').status).toBe(
        'down',
      );
    }
    expect(verdict(bare, 200, '{"status":"WARN"}', 'application/health+json')).toEqual({
      status: 'degraded',
      error: 'health check says WARN (application/health+json status)',
    });
  });

  it('reads ASP.NET Core as text and as the UI writer JSON', () => {
    expect(verdict(bare, 200, 'Degraded', 'text/plain')).toEqual({
      status: 'degraded',
      error: 'health check says Degraded',
    });
    expect(verdict(bare, 200, 'Healthy', 'text/plain').status).toBe('up');
    expect(verdict(bare, 503, 'Unhealthy', 'text/plain')).toEqual({
      status: 'down',
      error: 'expected status 200-399, got 503',
    });
    expect(verdict(bare, 200, fixture('aspnetcore-ui-degraded.json'))).toEqual({
      status: 'degraded',
      error: 'health check says Degraded',
    });
  });

  it('names the failing Kubernetes readyz check', () => {
    expect(verdict(bare, 500, fixture('k8s-readyz-verbose.txt'), 'text/plain; charset=utf-8')).toEqual({
      status: 'down',
      error: 'expected status 200-399, got 500; etcd failed',
    });
  });

  it('counts a Consul 429 as degraded with degraded-when, and down without it', () => {
    const consul = fixture('consul-agent-service-warning.json');
    const t = target(
      '- {name: web, url: "http://127.0.0.1:8500/v1/agent/health/service/name/web", degraded-when: {status: 429}}',
    );
    expect(verdict(t, 429, consul)).toEqual({ status: 'degraded', error: 'degraded-when matched: HTTP 429' });
    expect(verdict(bare, 429, consul)).toEqual({
      status: 'down',
      error: "expected status 200-399, got 429; Service 'web' check is warning",
    });
  });

  it('lets degraded-when turn a custom status into degraded even against expect-json', () => {
    const t = target(
      '- {name: api, url: "https://a.example.com", expect-json: {status: UP}, degraded-when: {json: {status: [PARTIAL, Degraded]}}}',
    );
    expect(verdict(t, 200, '{"status":"PARTIAL"}')).toEqual({
      status: 'degraded',
      error: 'degraded-when matched: status is PARTIAL',
    });
    expect(verdict(t, 200, '{"status":"DOWN"}')).toEqual({
      status: 'down',
      error: 'expected status UP, got DOWN',
    });
    expect(verdict(t, 200, '{"status":"UP"}')).toEqual({ status: 'up', error: null });
  });

  it('keeps an author’s expect-json in charge of bodies that declare their own status', () => {
    const t = target('- {name: api, url: "https://a.example.com", expect-json: {ok: true}}');
    expect(verdict(t, 200, '{"ok":true,"status":"DOWN"}').status).toBe('up');
  });

  it('finds no verdict in bodies that do not declare one, and names at most three components', () => {
    expect(declaredVerdict('application/json', '{"status":"error"}', { status: 'error' })).toBeUndefined();
    expect(declaredVerdict('application/json', '[1]', [1])).toBeUndefined();
    expect(declaredVerdict('text/html', '<p>Degraded</p>', undefined)).toBeUndefined();
    const many = {
      status: 'DOWN',
      components: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, { status: 'DOWN' }])),
    };
    expect(failingComponents(JSON.stringify(many), many)).toEqual([
      'a is DOWN',
      'b is DOWN',
      'c is DOWN',
      '2 more',
    ]);
  });

  it('shows hostile component names on one line, clipped', () => {
    const doc = {
      status: 'DOWN',
      components: { ['x\u202e\n'.repeat(40)]: { status: 'DOWN\r\nInjected: 1' } },
    };
    const [named] = failingComponents(JSON.stringify(doc), doc);
    expect(named).not.toMatch(/[\r\n\u202e]/);
    expect([...(named ?? '')].length).toBeLessThanOrEqual(60 + ' is '.length + 60);
  });
});
