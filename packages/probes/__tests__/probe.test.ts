import { describe, expect, it } from '@jest/globals';
import type { AttemptOutcome, AttemptRequest } from '../src/http-attempt';
import { describeRequestError } from '../src/http-attempt';
import { judge, probeAll, probeTarget } from '../src/probe';
import { parseTargets, type Target } from '../src/targets';
import { loadYaml } from '../src/yaml-parser';

// The parsers take the YAML library loaded beforehand (as health-probe's run does).
await loadYaml();

const NOW = new Date('2026-11-28T06:00:00Z');

function target(yaml: string): Target {
  const r = parseTargets(
    { targets: yaml, config: '' },
    { timeoutMs: 10_000, retries: 2, retryDelayMs: 1000, certExpiryDays: 14 },
    () => '',
  );
  if ('errors' in r) throw new Error(JSON.stringify(r.errors));
  return r.value[0] as Target;
}

const response = (
  status: number,
  body: unknown,
  extra: Partial<Extract<AttemptOutcome, { kind: 'response' }>> = {},
): AttemptOutcome => ({
  kind: 'response',
  status,
  contentType: typeof body === 'string' ? 'text/plain' : 'application/json',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  timings: { total: 42, ttfb: 40 },
  ...extra,
});

describe('judge', () => {
  const api = target('- {name: api, url: "https://api.example.com/health", max-response-ms: 500}');

  it('is up when the status fits and nothing else is asked', () => {
    expect(judge(api, response(200, 'ok'), NOW)).toEqual({
      status: 'up',
      http_status: 200,
      response_ms: 42,
      error: null,
      cert_days_left: null,
      timings: { total: 42, ttfb: 40 },
    });
  });

  it('is degraded by a redirect under the default expect-status, and up when the author accepts 3xx', () => {
    const v = judge(api, response(302, '<a href="/login">login</a>'), NOW);
    expect(v).toMatchObject({
      status: 'degraded',
      http_status: 302,
      error:
        'answered 302, a redirect (not followed); probe the final URL, or set expect-status to accept it',
    });
    const accepts = target('- {url: "https://a.example.com/", expect-status: 200-399}');
    expect(judge(accepts, response(302, ''), NOW)).toMatchObject({ status: 'up', error: null });
    const strict = target('- {url: "https://a.example.com/", expect-status: 2xx}');
    expect(judge(strict, response(301, ''), NOW)).toMatchObject({
      status: 'down',
      error: 'expected status 2xx, got 301',
    });
  });

  it('is degraded, not down, when slower than max-response-ms', () => {
    const v = judge(api, response(200, 'ok', { timings: { total: 812 } }), NOW);
    expect(v.status).toBe('degraded');
    expect(v.error).toBe('slower than 500 ms: took 812 ms');
  });

  it('is degraded when the certificate expires within cert-expiry-days, counting whole days', () => {
    const v = judge(api, response(200, 'ok', { certValidTo: new Date('2026-12-03T12:00:00Z') }), NOW);
    expect(v).toMatchObject({
      status: 'degraded',
      cert_days_left: 5,
      error: 'certificate expires in 5 days (2026-12-03)',
    });
    const far = judge(api, response(200, 'ok', { certValidTo: new Date('2027-03-01T00:00:00Z') }), NOW);
    expect(far).toMatchObject({ status: 'up', cert_days_left: 92, error: null });
  });

  it('joins both degradations', () => {
    const v = judge(
      api,
      response(200, 'ok', { timings: { total: 900 }, certValidTo: new Date('2026-11-29T07:00:00Z') }),
      NOW,
    );
    expect(v.error).toBe('slower than 500 ms: took 900 ms; certificate expires in 1 day (2026-11-29)');
  });

  it('is down on a request error, with the words of the error', () => {
    expect(
      judge(api, { kind: 'error', error: 'connection refused', timings: { total: 3 } }, NOW),
    ).toMatchObject({
      status: 'down',
      http_status: null,
      error: 'connection refused',
    });
  });

  it('is down when expect-json wants JSON and gets HTML', () => {
    const t = target('- {name: api, url: "https://a.example.com", expect-json: {status: UP}}');
    const v = judge(
      t,
      { ...response(200, '<html>'), contentType: 'text/html; charset=utf-8' } as AttemptOutcome,
      NOW,
    );
    expect(v.error).toBe('expected a JSON response, got something else (text/html)');
  });

  it('follows application/health+json verdicts when no expect-json is given', () => {
    const t = target('- https://a.example.com/health');
    const fail = {
      ...response(200, { status: 'fail' }),
      contentType: 'application/health+json',
    } as AttemptOutcome;
    const warn = {
      ...response(200, { status: 'warn' }),
      contentType: 'application/health+json',
    } as AttemptOutcome;
    expect(judge(t, fail, NOW)).toMatchObject({
      status: 'down',
      error: 'health check says fail (application/health+json status)',
    });
    expect(judge(t, warn, NOW)).toMatchObject({
      status: 'degraded',
      error: 'health check says warn (application/health+json status)',
    });
  });

  it('checks the status before the body', () => {
    const t = target('- {name: api, url: "https://a.example.com", expect-json: {status: UP}}');
    expect(judge(t, response(503, { status: 'DOWN' }), NOW).error).toBe('expected status 200-399, got 503');
  });
});

describe('probeTarget', () => {
  it('retries a down verdict after really awaiting retry-delay, and stops at the first success', async () => {
    const t = target('- {name: api, url: "http://a.example.com", retry-delay: 750ms}');
    const outcomes: AttemptOutcome[] = [
      { kind: 'error', error: 'connection reset by the server', timings: { total: 5 } },
      response(200, 'ok'),
    ];
    const slept: number[] = [];
    const retried: string[] = [];
    const r = await probeTarget(t, {
      attempt: async () => outcomes.shift() as AttemptOutcome,
      concurrency: 1,
      sleep: async (ms) => {
        slept.push(ms);
      },
      now: () => NOW,
      onRetry: (_t, n, e) => retried.push(`${n}: ${e}`),
    });
    expect(r).toMatchObject({ name: 'api', status: 'up', attempts: 2 });
    expect(slept).toEqual([750]);
    expect(retried).toEqual(['1: connection reset by the server']);
  });

  it('gives up after 1 + retries attempts and reports the last error', async () => {
    const t = target('- {name: api, url: "http://a.example.com", retries: 2}');
    let calls = 0;
    const slept: number[] = [];
    const r = await probeTarget(t, {
      attempt: async () => {
        calls++;
        return response(500, `boom ${calls}`);
      },
      concurrency: 1,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(calls).toBe(3);
    expect(slept).toEqual([1000, 1000]);
    expect(r).toMatchObject({
      status: 'down',
      attempts: 3,
      http_status: 500,
      error: 'expected status 200-399, got 500',
    });
  });

  it('does not retry a degraded answer', async () => {
    const t = target('- {name: api, url: "http://a.example.com", max-response-ms: 10}');
    let calls = 0;
    const r = await probeTarget(t, {
      attempt: async () => {
        calls++;
        return response(200, 'ok');
      },
      concurrency: 1,
    });
    expect(calls).toBe(1);
    expect(r.status).toBe('degraded');
  });

  it('sends the method, headers, body and timeout of the target', async () => {
    const t = target(
      '- {name: api, url: "http://a.example.com/x", method: POST, headers: {X-Key: k1}, body: "{}", timeout: 3s}',
    );
    const seen: AttemptRequest[] = [];
    await probeTarget(t, {
      attempt: async (req) => {
        seen.push(req);
        return response(200, 'ok');
      },
      concurrency: 1,
    });
    expect(seen).toEqual([
      {
        url: 'http://a.example.com/x',
        method: 'POST',
        headers: { 'X-Key': 'k1' },
        body: '{}',
        timeoutMs: 3000,
      },
    ]);
  });
});

describe('probeAll', () => {
  it('never runs more than concurrency attempts at once and keeps the order of targets', async () => {
    const targets = Array.from({ length: 7 }, (_, i) =>
      target(`- {name: t${i}, url: "http://h${i}.example.com"}`),
    );
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const done = probeAll(targets, {
      concurrency: 3,
      attempt: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return response(200, 'ok');
      },
    });
    // Release attempts one by one as they queue up.
    while (release.length || running) {
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    const results = await done;
    expect(peak).toBe(3);
    expect(results.map((r) => r.name)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
  });
});

describe('describeRequestError', () => {
  it('puts common failures in words, without the URL', () => {
    expect(describeRequestError({ code: 'PROBE_TIMEOUT' }, 10_000)).toBe('timed out after 10 s');
    expect(describeRequestError({ code: 'PROBE_TIMEOUT' }, 1500)).toBe('timed out after 1.5 s');
    expect(describeRequestError({ code: 'CERT_HAS_EXPIRED' }, 1)).toBe('certificate has expired');
    expect(describeRequestError({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: 'https://x' }, 1)).toBe(
      'certificate does not match the host name',
    );
    expect(
      describeRequestError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND secret.example' }, 1),
    ).toBe('host name not found (DNS)');
    expect(
      describeRequestError(
        { code: 'ERR_PROXY_TUNNEL', statusCode: 407, message: 'via http://u:pw@proxy/' },
        1,
      ),
    ).toBe('the proxy refused the tunnel (HTTP 407)');
  });
});
