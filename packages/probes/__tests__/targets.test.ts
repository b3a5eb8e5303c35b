import { describe, expect, it } from '@jest/globals';
import { parseTargets, type Target, type TargetDefaults } from '../src/targets';
import { loadYaml } from '../src/yaml-parser';

// The parsers take the YAML library loaded beforehand (as health-probe's run does).
await loadYaml();

const DEFAULTS: TargetDefaults = { timeoutMs: 10_000, retries: 2, retryDelayMs: 1000, certExpiryDays: 14 };
const noFile = () => {
  throw Object.assign(new Error('missing'), { code: 'ENOENT' });
};
const parse = (targets: string, config = '', readFile: (p: string) => string = noFile) =>
  parseTargets({ targets, config }, DEFAULTS, readFile);
const ok = (r: ReturnType<typeof parse>): Target[] => {
  if ('errors' in r) throw new Error(JSON.stringify(r.errors));
  return r.value;
};

describe('parseTargets', () => {
  it('reads one URL per line, naming each by host and path, with every default', () => {
    const [a, b] = ok(parse('https://api.example.com/health\n\nhttp://10.0.0.5:8080/\n'));
    expect(a).toEqual({
      name: 'api.example.com/health',
      url: 'https://api.example.com/health',
      displayUrl: 'https://api.example.com/health',
      method: 'GET',
      headers: {},
      expectStatus: { ranges: [{ from: 200, to: 399 }], text: '200-399' },
      expectJson: [],
      timeoutMs: 10_000,
      retries: 2,
      retryDelayMs: 1000,
      certExpiryDays: 14,
    });
    expect(b?.name).toBe('10.0.0.5:8080');
  });

  it('reads a YAML list with per-target settings overriding the defaults', () => {
    const [t] = ok(
      parse(`
- name: api
  url: https://user:pw@api.example.com/health?token=s3cret
  method: post
  headers:
    Authorization: Bearer abc
  body: { ping: true }
  expect-status: [200, 204]
  expect-json:
    status: UP
    checks.db.status: [UP, UNKNOWN]
  expect-text: /UP/
  max-response-ms: 800
  timeout: 2s
  retries: 0
  retry-delay: 0s
`),
    );
    expect(t).toMatchObject({
      name: 'api',
      displayUrl: 'https://***:***@api.example.com/health?token=***',
      method: 'POST',
      headers: { Authorization: 'Bearer abc', 'content-type': 'application/json' },
      body: '{"ping":true}',
      expectStatus: { text: '200, 204' },
      expectJson: [
        { path: 'status', expected: ['UP'] },
        { path: 'checks.db.status', expected: ['UP', 'UNKNOWN'] },
      ],
      maxResponseMs: 800,
      timeoutMs: 2000,
      retries: 0,
      retryDelayMs: 0,
    });
    expect(t?.expectText).toEqual({ kind: 'regex', regex: /UP/ });
  });

  it('reads the config file (a map with targets) together with the input', () => {
    const files: Record<string, string> = {
      'probes.yml': 'targets:\n  - name: db\n    url: http://db.internal/health\n',
    };
    const targets = ok(parse('https://a.example.com', 'probes.yml', (p) => files[p] ?? noFile()));
    expect(targets.map((t) => t.name)).toEqual(['a.example.com', 'db']);
  });

  it('reports a missing config file for the config input', () => {
    expect(parse('', 'nope.yml')).toEqual({
      errors: [
        {
          input: 'config',
          message:
            'names "nope.yml", which does not exist (paths are relative to the workspace; check out the repository first)',
        },
      ],
    });
  });

  it('requires at least one target', () => {
    expect(parse('  ')).toEqual({
      errors: [{ input: 'targets', message: 'is required (or config): list at least one URL to probe' }],
    });
  });

  it('names the item and the target in each error, never a header value', () => {
    const r = parse(`
- name: api
  url: https://a.example.com
  headers:
    X-Key: [not, text]
- url: ftp://files.example.com
- name: web
  url: https://b.example.com
  expect-status: fine
- name: web2
  url: https://c.example.com
  colour: red
`);
    expect(r).toEqual({
      errors: [
        { input: 'targets', message: 'item 1: ("api") header X-Key must have a text value' },
        { input: 'targets', message: 'item 2: has a ftp:// url; only http:// and https:// can be probed' },
        {
          input: 'targets',
          message:
            'item 3: ("web") expect-status has "fine", which is not a status: use codes (200), ranges (200-399) or classes (2xx), separated by commas',
        },
        {
          input: 'targets',
          message: expect.stringMatching(/^item 4: has unknown key "colour"; known keys: name, url, method/),
        },
      ],
    });
  });

  it('refuses two targets with the same name: names key the incidents', () => {
    expect(
      parse('- {name: api, url: "https://a.example.com"}\n- {name: api, url: "https://b.example.com"}'),
    ).toEqual({
      errors: [
        {
          input: 'targets',
          message: 'has two targets named "api"; names must be unique (they key the incident issues)',
        },
      ],
    });
  });

  it('reads a bare number as seconds for timeout', () => {
    const [t] = ok(parse('- url: https://a.example.com\n  timeout: 5'));
    expect(t?.timeoutMs).toBe(5000);
  });
});
