import { parseDuration } from '@sre-toolkit/action';

/**
 * Where the intake looks up the deploy before a crash (issue #14): GitHub's Deployments API of one
 * repository, read with `GITHUB_TOKEN`. Optional: without a token the alerts carry no deploy
 * context and nothing is asked of GitHub.
 */
export interface DeployConfig {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** REST API root (`GITHUB_API_URL`; GitHub Enterprise Server: https://HOST/api/v3). */
  readonly apiUrl: string;
  /** `CRASH_DEPLOY_ENVIRONMENT`, default `production`. */
  readonly environment: string;
  /** `CRASH_DEPLOY_WINDOW`: how long before a crash group began a deploy still counts. Default 2h. */
  readonly windowMs: number;
  /** `CRASH_DEPLOY_TIMEOUT`: longest an alert waits for the lookup. Default 3s. */
  readonly timeoutMs: number;
}

const HOUR = 3_600_000;
const DEFAULT_API_URL = 'https://api.github.com';
// GitHub's own rules for owner and repository names, loosely: what can appear in an API path.
const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

/**
 * Reads `GITHUB_TOKEN`, `GITHUB_REPOSITORY`, `GITHUB_API_URL`, `CRASH_DEPLOY_ENVIRONMENT`
 * (`none`: no lookup), `CRASH_DEPLOY_WINDOW` and `CRASH_DEPLOY_TIMEOUT`. No value: no lookup.
 * Each problem is one message naming the variable and the rule; the token is never repeated.
 */
export function readDeployConfig(env: NodeJS.ProcessEnv): { value?: DeployConfig } | { errors: string[] } {
  const errors: string[] = [];
  const duration = (name: string, fallback: number, max: number, example: string) => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0 || ms > max) {
      errors.push(
        `${name} must be a duration like ${example} (at most ${max >= HOUR ? `${max / HOUR}h` : `${max / 1000}s`}), not ${JSON.stringify(text.slice(0, 40))}`,
      );
      return fallback;
    }
    return ms;
  };
  const windowMs = duration('CRASH_DEPLOY_WINDOW', 2 * HOUR, 7 * 24 * HOUR, '30m, 2h or 1d');
  const timeoutMs = duration('CRASH_DEPLOY_TIMEOUT', 3_000, 30_000, '1500ms or 3s');
  const environment = env.CRASH_DEPLOY_ENVIRONMENT?.trim() || 'production';
  // GitHub's limit for an environment name; control characters would end up in an API query.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (environment.length > 255 || /[\u0000-\u001f\u007f]/.test(environment))
    errors.push('CRASH_DEPLOY_ENVIRONMENT must be an environment name of at most 255 characters (or none)');
  const apiUrl = env.GITHUB_API_URL?.trim() || DEFAULT_API_URL;
  const protocol = URL.canParse(apiUrl) ? new URL(apiUrl).protocol : '';
  if (protocol !== 'https:' && protocol !== 'http:')
    errors.push(
      `GITHUB_API_URL must be the http(s) root of GitHub's REST API (default ${DEFAULT_API_URL}; GitHub Enterprise Server: https://HOST/api/v3)`,
    );
  const token = env.GITHUB_TOKEN?.trim() ?? '';
  const repository = env.GITHUB_REPOSITORY?.trim() ?? '';
  if (token && !REPOSITORY.test(repository)) {
    errors.push(
      repository
        ? `GITHUB_REPOSITORY must be owner/name (the repository whose deployments to read), not ${JSON.stringify(repository.slice(0, 80))}`
        : 'GITHUB_REPOSITORY is required with GITHUB_TOKEN: the owner/name whose deployments the alerts name',
    );
  }
  if (token && /\s/.test(token)) errors.push('GITHUB_TOKEN must be one token, without spaces or line breaks');
  if (errors.length) return { errors };
  if (!token || environment === 'none') return {};
  const [owner = '', repo = ''] = repository.split('/');
  return { value: { token, owner, repo, apiUrl, environment, windowMs, timeoutMs } };
}
