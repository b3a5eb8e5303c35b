import { afterAll, describe, expect, it } from '@jest/globals';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import {
  fixtureCertificate,
  refusedUrl,
  startHealthTargets,
  type HealthTargets,
} from '../src/health-targets';

const open: HealthTargets[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

describe('health targets', () => {
  it('serves https with the committed fixture certificate, for machines without openssl', async () => {
    const server = await startHealthTargets({ tls: fixtureCertificate() });
    open.push(server);
    server.route('/health', { body: { status: 'UP' } });
    const { status, body, validTo } = await new Promise<{ status: number; body: string; validTo: string }>(
      (resolve, reject) => {
        https
          .get(server.url('/health'), { rejectUnauthorized: false }, (res) => {
            // The socket goes back to the agent at 'end': read the certificate now.
            const validTo = (res.socket as TLSSocket).getPeerCertificate().valid_to;
            let body = '';
            res.on('data', (c: Buffer) => (body += c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body,
                validTo,
              }),
            );
          })
          .on('error', reject);
      },
    );
    expect(status).toBe(200);
    expect(body).toBe('{"status":"UP"}');
    expect(new Date(validTo).getUTCFullYear()).toBeGreaterThanOrEqual(2126);
  });

  it('gives a URL on which connections are refused', async () => {
    const url = await refusedUrl('/x');
    const code = await new Promise<string>((resolve) => {
      https
        .get(url.replace('http:', 'https:'), () => resolve('answered'))
        .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''));
    });
    expect(code).toBe('ECONNREFUSED');
  });
});
