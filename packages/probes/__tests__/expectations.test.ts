import { describe, expect, it } from '@jest/globals';
import {
  backtrackingRisk,
  checkJson,
  checkStatus,
  checkText,
  matchDegraded,
  parseDegradedWhen,
  MAX_REGEX_BODY,
  parseJsonExpectations,
  parseStatusExpectation,
  parseTextExpectation,
  valueAtPath,
  type JsonExpectation,
  type StatusExpectation,
  type TextExpectation,
} from '../src/expectations';

const status = (v: unknown): StatusExpectation => {
  const r = parseStatusExpectation(v);
  if ('error' in r) throw new Error(r.error);
  return r.value;
};
const json = (v: unknown): JsonExpectation[] => {
  const r = parseJsonExpectations(v);
  if ('error' in r) throw new Error(r.error);
  return r.value;
};
const text = (v: string): TextExpectation => {
  const r = parseTextExpectation(v);
  if ('error' in r) throw new Error(r.error);
  return r.value;
};

describe('expect-status', () => {
  it('accepts the default range 200-399 and names it when a status falls outside', () => {
    const e = status('200-399');
    expect(checkStatus(e, 200)).toBeUndefined();
    expect(checkStatus(e, 399)).toBeUndefined();
    expect(checkStatus(e, 500)).toBe('expected status 200-399, got 500');
    expect(checkStatus(e, 199)).toBe('expected status 200-399, got 199');
  });

  it('reads lists, classes, spaced ranges and YAML lists of numbers', () => {
    expect(status('200, 204').ranges).toEqual([
      { from: 200, to: 200 },
      { from: 204, to: 204 },
    ]);
    expect(status('2xx').ranges).toEqual([{ from: 200, to: 299 }]);
    expect(status('200 - 299, 418').ranges).toEqual([
      { from: 200, to: 299 },
      { from: 418, to: 418 },
    ]);
    expect(status([200, 503]).text).toBe('200, 503');
    expect(checkStatus(status(401), 401)).toBeUndefined();
    expect(checkStatus(status('2xx'), 301)).toBe('expected status 2xx, got 301');
  });

  it('rejects what is not a status, saying what would be right', () => {
    expect(parseStatusExpectation('ok')).toEqual({
      error:
        'has "ok", which is not a status: use codes (200), ranges (200-399) or classes (2xx), separated by commas',
    });
    expect(parseStatusExpectation('399-200')).toEqual({
      error: 'has "399-200", which is not a range of HTTP statuses (100-599)',
    });
    expect(parseStatusExpectation('')).toEqual({ error: 'lists no status' });
  });
});

describe('expect-json', () => {
  const spring = { status: 'UP', components: { db: { status: 'UP', details: { database: 'PostgreSQL' } } } };
  const healthJson = {
    status: 'pass',
    checks: { 'db:responseTime': [{ componentId: 'db', status: 'warn', observedValue: 250 }] },
  };

  it('passes Spring Boot {"status":"UP"} and fails DOWN with both values named', () => {
    expect(checkJson(json({ status: 'UP' }), spring)).toBeUndefined();
    expect(checkJson(json({ status: 'UP' }), { status: 'DOWN' })).toBe('expected status UP, got DOWN');
  });

  it('follows nested paths through objects and arrays, keys with colons included', () => {
    expect(checkJson(json({ 'components.db.status': 'UP' }), spring)).toBeUndefined();
    expect(checkJson(json({ 'checks.db:responseTime.0.status': 'pass' }), healthJson)).toBe(
      'expected checks.db:responseTime.0.status pass, got warn',
    );
    expect(
      checkJson(json({ 'checks.db:responseTime.0.status': ['pass', 'warn'] }), healthJson),
    ).toBeUndefined();
  });

  it('says when the path is missing', () => {
    expect(checkJson(json({ 'checks.db.status': 'UP' }), spring)).toBe(
      'expected checks.db.status UP, but the response has no checks.db.status',
    );
    expect(valueAtPath([1, 2], '5')).toEqual({ found: false });
    expect(valueAtPath({ a: { b: null } }, 'a.b')).toEqual({ found: true, value: null });
  });

  it('compares numbers and booleans the way YAML authors write them, strings case-sensitively', () => {
    expect(checkJson(json({ version: 2, ok: true }), { version: '2', ok: true })).toBeUndefined();
    expect(checkJson(json({ ok: true }), { ok: 'false' })).toBe('expected ok true, got false');
    expect(checkJson(json({ status: 'UP' }), { status: 'up' })).toBe('expected status UP, got up');
    expect(checkJson(json({ status: 'UP' }), { status: { nested: 1 } })).toBe(
      'expected status UP, got {"nested":1}',
    );
    expect(checkJson(json({ gone: null }), { gone: null })).toBeUndefined();
  });

  it('rejects a list or a nested map as expectation', () => {
    expect(parseJsonExpectations(['status'])).toEqual({
      error: 'must be a map of JSON paths to expected values, e.g. `status: UP`',
    });
    expect(parseJsonExpectations({ status: { a: 1 } })).toEqual({
      error:
        'has "status" expecting something that is not a string, number, boolean or null (or a list of them)',
    });
  });
});

describe('degraded-when', () => {
  const when = (v: unknown) => {
    const r = parseDegradedWhen(v);
    if (!('value' in r) || !r.value) throw new Error(JSON.stringify(r));
    return r.value;
  };
  it('matches a status, a JSON value or a text, whichever comes first', () => {
    const w = when({ status: 429, json: { status: ['Degraded', 'WARN'] }, text: 'slow' });
    expect(matchDegraded(w, { status: 429, body: '[]', doc: [] })).toBe('HTTP 429');
    expect(matchDegraded(w, { status: 200, body: '', doc: { status: 'Degraded' } })).toBe(
      'status is Degraded',
    );
    expect(matchDegraded(w, { status: 200, body: 'a bit slow', doc: undefined })).toBe(
      'the response contains "slow"',
    );
    expect(matchDegraded(w, { status: 200, body: '{"status":"Healthy"}', doc: { status: 'Healthy' } })).toBe(
      undefined,
    );
  });
  it('refuses what is not a condition, naming the rule', () => {
    expect(parseDegradedWhen('429')).toEqual({
      error: 'must be a map with status, json or text, e.g. `status: 429` or `json: { status: Degraded }`',
    });
    expect(parseDegradedWhen({ code: 429 })).toEqual({
      error: 'has unknown key "code"; use status, json or text',
    });
    expect(parseDegradedWhen({ status: '42x' })).toEqual({
      error:
        'status has "42x", which is not a status: use codes (200), ranges (200-399) or classes (2xx), separated by commas',
    });
    expect(parseDegradedWhen({})).toEqual({ error: 'lists no condition (status, json or text)' });
    expect(parseDegradedWhen(undefined)).toEqual({ value: undefined });
  });
});

describe('expect-text', () => {
  it('finds a substring', () => {
    expect(checkText(text('ok'), 'all ok')).toBeUndefined();
    expect(checkText(text('ok'), 'failing')).toBe('expected the response to contain "ok", it does not');
  });

  it('matches /regex/ with flags, the same way on every call', () => {
    const e = text('/^healthy$/gi');
    expect(checkText(e, 'HEALTHY')).toBeUndefined();
    expect(checkText(e, 'HEALTHY')).toBeUndefined();
    expect(checkText(e, 'unhealthy')).toBe('expected the response to match /^healthy$/i, it does not');
  });

  it('rejects an invalid regular expression', () => {
    const r = parseTextExpectation('/(/');
    expect('error' in r && r.error).toMatch(/^is not a valid regular expression: /);
  });
});

describe('expect-text regular expressions that could backtrack', () => {
  it.each([
    ['(a+)+$', 'a repeated group that holds a quantifier or an alternation'],
    ['^(a|aa)*$', 'a repeated group that holds a quantifier or an alternation'],
    ['^(\\w+\\s?)*$', 'a repeated group that holds a quantifier or an alternation'],
    ['(.*a){10}', 'a repeated group that holds a quantifier or an alternation'],
    ['((ab)*c)+', 'a repeated group that holds a quantifier or an alternation'],
    ['(?:x(a?)b)+', 'a repeated group that holds a quantifier or an alternation'],
    ['(a)\\1', 'a backreference'],
    ['(?<x>a)\\k<x>', 'a backreference'],
  ])('refuses /%s/: %s', (pattern, risk) => {
    expect(backtrackingRisk(pattern)).toBe(risk);
    const parsed = parseTextExpectation(`/${pattern}/`);
    expect('error' in parsed && parsed.error).toBe(
      `is a regular expression with ${risk}, which can take seconds to minutes on a hostile response; rewrite it without (e.g. /(ab)+/ -> /(?:ab)+/ is fine, /(a+)+/ is not), or use a plain substring`,
    );
  });

  it.each([
    '<title>Example',
    '^ok$',
    '(?:ab)+',
    '(ab)+',
    '[(+)]+',
    '(a+)?',
    '(?:UP|OK)$',
    '\\(a+\\)+',
    '"status":\\s*"UP"',
  ])('accepts /%s/', (pattern) => {
    expect(backtrackingRisk(pattern)).toBeUndefined();
    expect('value' in parseTextExpectation(`/${pattern}/`)).toBe(true);
  });

  it('searches only the first 16 KB of a body with a regular expression, and all of it for a substring', () => {
    const body = `${'x'.repeat(MAX_REGEX_BODY)}needle`;
    expect(checkText(text('/needle/'), body)).toBe('expected the response to match /needle/, it does not');
    expect(checkText(text('needle'), body)).toBeUndefined();
    expect(checkText(text('/needle/'), body.slice(6))).toBeUndefined();
  });
});

describe('expect-text patterns on hostile bodies', () => {
  it('stops a polynomial pattern at the time limit and says so', async () => {
    const { checkText, parseTextExpectation } = await import('../src/expectations');
    const parsed = parseTextExpectation('/.*error.*timeout/');
    if (!('value' in parsed)) throw new Error('pattern refused');
    const started = performance.now();
    const problem = checkText(parsed.value, 'error'.repeat(3300));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(problem).toMatch(
      /^expect-text \/\.\*error\.\*timeout\/ took over 250 ms on this response and was stopped/,
    );
  });

  it('still matches an ordinary pattern', async () => {
    const { checkText, parseTextExpectation } = await import('../src/expectations');
    const parsed = parseTextExpectation('/^status: (ok|up)$/m');
    if (!('value' in parsed)) throw new Error('pattern refused');
    expect(checkText(parsed.value, 'db: 3ms\nstatus: up')).toBeUndefined();
  });
});
