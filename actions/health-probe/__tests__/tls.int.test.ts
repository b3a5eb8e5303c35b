import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  expiredCertificate,
  hasOpenssl,
  runAction,
  selfSignedCertificate,
  startHealthTargets,
  type HealthTargets,
} from '@sre-toolkit/testkit';

// An expiring certificate needs one made now; the committed fixture is valid for a century.
const maybe = hasOpenssl() ? describe : describe.skip;

let server: HealthTargets;
let dir: string;
beforeAll(async () => {
  const cert = selfSignedCertificate(5);
  server = await startHealthTargets({ tls: cert });
  server.route('/health', { body: { status: 'pass' }, contentType: 'application/health+json' });
  dir = mkdtempSync(join(tmpdir(), 'ca-'));
  writeFileSync(join(dir, 'ca.pem'), cert.cert);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

maybe('health-probe bundle against an https target the runner trusts', () => {
  it('marks a certificate expiring within cert-expiry-days degraded, with the days left', async () => {
    const run = await runAction('health-probe', {
      inputs: { targets: server.url('/health'), issue: 'false', 'cert-expiry-days': '14' },
      // The runner trusts the test's certificate the way a self-hosted runner trusts a company CA.
      env: { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') },
    });
    const [result] = JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[];
    expect(result).toMatchObject({ status: 'degraded', http_status: 200, attempts: 1, cert_days_left: 4 });
    expect(result?.error).toMatch(/^certificate expires in 4 days \(\d{4}-\d{2}-\d{2}\)$/);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.degraded).toBe('1');
    expect(run.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: `127.0.0.1:${server.port}/health is degraded: ${String(result?.error)}`,
      }),
    ]);
    expect(run.summary).toMatch(
      /\| ⚠️ degraded \| .* \| 200 \| \d+ ms \| 1 \| 4 \| certificate expires in 4 days/,
    );
  });

  it('is up with the days left when the certificate is far from expiry', async () => {
    const run = await runAction('health-probe', {
      inputs: { targets: server.url('/health'), issue: 'false', 'cert-expiry-days': '3' },
      env: { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') },
    });
    const [result] = JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[];
    expect(result).toMatchObject({ status: 'up', cert_days_left: 4, error: null });
  });

  it('names an expired certificate, even one the runner trusts', async () => {
    const expired = expiredCertificate();
    const old = await startHealthTargets({ tls: expired });
    old.route('/health', { body: { status: 'UP' } });
    writeFileSync(join(dir, 'expired.pem'), expired.cert);
    try {
      const run = await runAction('health-probe', {
        inputs: { targets: old.url('/health'), issue: 'false', retries: '0' },
        env: { NODE_EXTRA_CA_CERTS: join(dir, 'expired.pem') },
      });
      const [result] = JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[];
      expect(result).toMatchObject({ status: 'down', http_status: null, error: 'certificate has expired' });
      expect(run.exitCode).toBe(1);
    } finally {
      await old.close();
    }
  });
});
