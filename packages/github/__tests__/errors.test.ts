import * as http from 'node:http';
import * as https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  listenOnLoopback,
  selfSignedCertificate,
  startGitHubServer,
  type GitHubServer,
} from '@sre-toolkit/testkit';
import { createGitHubClient } from '../src/client';
import { describeGitHubError, explainedGitHubRequest, networkFailure } from '../src/errors';

/**
 * Network failures as the real client reports them (a "500" without a response): each is named for
 * what it is, with the network's own code, and never as an HTTP status nobody sent.
 */

let gh: GitHubServer;
let tls: { url: string; close: () => Promise<void> };
let refused: string;
beforeAll(async () => {
  gh = await startGitHubServer();
  const { cert, key } = selfSignedCertificate();
  const server = https.createServer({ cert, key }, (_req, res) => res.end('{}'));
  const listening = await listenOnLoopback(server as unknown as http.Server);
  tls = { url: `https://127.0.0.1:${listening.port}`, close: listening.close };
  const closed = await listenOnLoopback(http.createServer());
  await closed.close();
  refused = `http://127.0.0.1:${closed.port}`;
});
afterAll(async () => {
  await Promise.all([gh.close(), tls.close()]);
});

const errorOf = async (baseUrl: string, fetch?: typeof globalThis.fetch): Promise<unknown> => {
  const client = createGitHubClient({ token: gh.token, baseUrl, retries: 0 });
  return client.rest.repos
    .get({ owner: 'acme', repo: 'mara', ...(fetch ? { request: { fetch } } : {}) })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
};

/** What Node's fetch (undici) throws when the name does not resolve: a TypeError with the DNS error as cause. */
const dnsFailure: typeof globalThis.fetch = () =>
  Promise.reject(
    new TypeError('fetch failed', {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND ghe.example.invalid'), {
        errno: -3008,
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname: 'ghe.example.invalid',
      }),
    }),
  );

describe('describeGitHubError without an answer', () => {
  it('says a refused connection is refused, with the address, and no status', async () => {
    const error = await errorOf(refused);
    expect(networkFailure(error)?.kind).toBe('refused');
    const text = describeGitHubError(error, 'reading acme/mara');
    expect(text).toBe(
      `Could not reach GitHub while reading acme/mara: connection refused (connect ECONNREFUSED ${refused.slice('http://'.length)}). No HTTP answer was received.`,
    );
  });

  it('says a certificate the runner does not trust is a TLS failure', async () => {
    const error = await errorOf(tls.url);
    expect(networkFailure(error)?.kind).toBe('tls');
    const text = describeGitHubError(error, 'reading acme/mara');
    expect(text).toMatch(
      /^Could not reach GitHub while reading acme\/mara: TLS handshake failed \((?:DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b/,
    );
    expect(text).toContain('NODE_EXTRA_CA_CERTS');
    expect(text).not.toMatch(/\b500\b/);
  });

  it('says a name that does not resolve is a DNS failure', async () => {
    const error = await errorOf('https://ghe.example.invalid/api/v3', dnsFailure);
    expect(networkFailure(error)).toEqual({
      kind: 'dns',
      what: 'DNS lookup failed',
      detail: 'getaddrinfo ENOTFOUND ghe.example.invalid',
    });
    expect(describeGitHubError(error, 'listing issues')).toBe(
      'Could not reach GitHub while listing issues: DNS lookup failed (getaddrinfo ENOTFOUND ghe.example.invalid). No HTTP answer was received. Check the GitHub API URL (GITHUB_API_URL) and the runner network.',
    );
  });

  it('finds no network failure in a real answer, which keeps its status', async () => {
    gh.fail({ kind: 'status', status: 404 }, { path: '/repos/acme/mara' });
    const error = await errorOf(gh.url);
    expect(networkFailure(error)).toBeUndefined();
    expect(describeGitHubError(error, 'reading acme/mara')).toBe(
      'Not found while reading acme/mara (404): check the repository name and that the token can see it.',
    );
  });
});

describe('explainedGitHubRequest', () => {
  it('passes a result through and rethrows a failure as the described message, keeping the cause', async () => {
    await expect(explainedGitHubRequest('reading acme/mara', 'issues: write', async () => 7)).resolves.toBe(
      7,
    );
    gh.fail({ kind: 'status', status: 403 }, { path: '/repos/acme/mara' });
    const error = await explainedGitHubRequest('reading acme/mara', 'issues: write', () =>
      createGitHubClient({ token: gh.token, baseUrl: gh.url, retries: 0 }).rest.repos.get({
        owner: 'acme',
        repo: 'mara',
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^The token may not do this while reading acme\/mara \(403 .*\): grant the workflow `permissions: issues: write`\.$/,
    );
    expect(statusOfCause(error)).toBe(403);
  });
});

const statusOfCause = (error: unknown): unknown =>
  ((error as { cause?: { status?: unknown } }).cause ?? {}).status;
