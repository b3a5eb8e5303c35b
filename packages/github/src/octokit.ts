import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { httpFetch } from './http-fetch';

/**
 * The octokit behind a GitHub client, loaded by its first request (client.ts): @octokit/core with
 * pagination, throttling and retries, and the REST routes of routes.ts instead of the endpoint
 * plugin's map of all of GitHub. Figures in docs/architecture.md ("Start-up").
 */
export const LightOctokit = Octokit.plugin(paginateRest, throttling, retry);
export type LightOctokitInstance = InstanceType<typeof LightOctokit>;

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];

/**
 * The fetch for requests to `baseUrl`. With a proxy configured, @actions/github's own (its
 * http-client decides on proxy and no_proxy exactly as before, through undici); without one,
 * node:http(s), which costs almost nothing to load.
 */
export async function fetchFor(env: NodeJS.ProcessEnv): Promise<typeof globalThis.fetch> {
  if (PROXY_VARIABLES.some((name) => env[name]?.trim())) {
    const { defaults } = await import('@actions/github/lib/utils');
    return (defaults.request?.fetch ?? httpFetch) as typeof globalThis.fetch;
  }
  return httpFetch as unknown as typeof globalThis.fetch;
}
