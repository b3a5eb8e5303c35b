import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAction, startHealthTargets, type ActionRun, type HealthTargets } from '@sre-toolkit/testkit';

const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'packages',
  'probes',
  '__tests__',
  'fixtures',
  'health-bodies',
);
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

let targets: HealthTargets;
let run: ActionRun;
let results: { name: string; status: string; http_status: number | null; error: string | null }[];

beforeAll(async () => {
  targets = await startHealthTargets();
  targets.route('/actuator/health', {
    body: fixture('spring-boot-components-down.json'),
    contentType: 'application/vnd.spring-boot.actuator.v3+json',
  });
  targets.route('/health-json', { body: '{"status":"OK"}', contentType: 'application/health+json' });
  targets.route('/readyz', { status: 500, body: fixture('k8s-readyz-verbose.txt') });
  targets.route('/consul', { status: 429, body: fixture('consul-agent-service-warning.json') });
  targets.route('/aspnet', { body: fixture('aspnetcore-ui-degraded.json') });
  run = await runAction('health-probe', {
    inputs: {
      targets: `
- name: spring
  url: ${targets.url('/actuator/health')}
- name: terminus
  url: ${targets.url('/health-json')}
- name: apiserver
  url: ${targets.url('/readyz')}?verbose
- name: consul
  url: ${targets.url('/consul')}
  degraded-when:
    status: 429
- name: aspnet
  url: ${targets.url('/aspnet')}
`,
      retries: '0',
      issue: 'false',
    },
  });
  results = JSON.parse(run.outputs.results ?? '[]') as typeof results;
}, 60_000);

afterAll(async () => {
  await targets.close();
});

describe('health-probe judges real health bodies given as bare URLs', () => {
  it('gives each format its own verdict, naming failing components', () => {
    expect(
      results.map(({ name, status, http_status, error }) => ({ name, status, http_status, error })),
    ).toEqual([
      {
        name: 'spring',
        status: 'down',
        http_status: 200,
        error: 'health check says DOWN; broker/us2 is OUT_OF_SERVICE, db is DOWN',
      },
      { name: 'terminus', status: 'up', http_status: 200, error: null },
      {
        name: 'apiserver',
        status: 'down',
        http_status: 500,
        error: 'expected status 200-399, got 500; etcd failed',
      },
      { name: 'consul', status: 'degraded', http_status: 429, error: 'degraded-when matched: HTTP 429' },
      { name: 'aspnet', status: 'degraded', http_status: 200, error: 'health check says Degraded' },
    ]);
    expect(run.outputs.down).toBe('2');
    expect(run.outputs.degraded).toBe('2');
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('### Health probe: 1 up, 2 degraded, 2 down');
  });
});
