/**
 * Every masking rule of the toolkit, in one place. GitHub masks only the exact strings it was told
 * about, so each rule returns every form a secret may be printed in (raw, decoded, encoded); and
 * `maskUrl` is the one way any action shows a URL that may carry credentials.
 */

export const MASK = '***';

/**
 * Query keys whose values are shown: paging, formats and Discord's own parameters, and only while
 * the value has a harmless shape (below). Every other query value may be a credential (`token`,
 * `sig`, `X-Amz-Signature`, `jwt`, `sas`, `hmac`, …), and guessing by name missed too many, so the
 * rule is the other way round.
 */
const PLAIN_QUERY_KEYS = new Set([
  'wait',
  'thread_id',
  'format',
  'page',
  'per_page',
  'limit',
  'lang',
  'locale',
  'verbose',
  'pretty',
  'full',
]);

/** A value that can be shown under a plain key: a number, a boolean or a short lower-case word. */
const PLAIN_VALUE = /^(?:\d{1,25}|true|false|[a-z]{1,12}(?:[-_][a-z]{1,12})?)$/;

/** Header values that say nothing secret; masking them would only blank common words in logs. */
const PLAIN_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-type',
  'user-agent',
  'pragma',
  'connection',
]);

/** A Discord webhook's token: the path segment after `/webhooks/<id>/`. */
const WEBHOOK_TOKEN = /\/webhooks\/\d{1,25}\/([A-Za-z0-9_.-]{1,200})/g;

/**
 * A webhook URL's path: prefix (a relay's own path), API version, id, token, and Discord's
 * `/github` or `/slack` suffix. @sre-toolkit/discord parses webhook URLs with it too.
 */
export const WEBHOOK_PATH =
  /^(.*?)\/api(?:\/v\d+)?\/webhooks\/(\d{1,25})\/([A-Za-z0-9_.-]{1,200})(\/github|\/slack)?\/?$/;

/** The execute URL a webhook is posted to (`/api/v10/…?wait=true`, plus its thread), or undefined. */
export function webhookExecuteUrl(url: URL): string | undefined {
  const match = WEBHOOK_PATH.exec(url.pathname);
  if (!match) return undefined;
  const [, prefix = '', id = '', token = ''] = match;
  const exec = new URL(`${url.protocol}//${url.host}${prefix}/api/v10/webhooks/${id}/${token}`);
  exec.searchParams.set('wait', 'true');
  const thread = url.searchParams.get('thread_id');
  if (thread) exec.searchParams.set('thread_id', thread);
  return exec.toString();
}

/** Values this short would blank ordinary words and digits all over the log; GitHub itself skips them. */
const MIN_SECRET_LENGTH = 3;

/** How an input's text yields its secrets; `parseInputs` registers them before any rule runs. */
export type SecretRule = (text: string) => string[];

export function isPlainQueryKey(key: string): boolean {
  return PLAIN_QUERY_KEYS.has(key.toLowerCase());
}

/** A query parameter shown as it is: a plain key with a harmless value (`;sig=…` hidden in one is not). */
function isPlainParam(key: string, value: string): boolean {
  return isPlainQueryKey(key) && PLAIN_VALUE.test(value);
}

/** Host-like text (`discord.com`): user info of this shape is a trick, not a secret worth masking. */
const HOST_LIKE = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}$/i;

/** The URL as it may be shown: user info, secret query values and webhook tokens replaced by `***`. */
export function maskUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not parseable: hide anything that could be user info, a query or a webhook token.
    return url
      .replace(/\/\/[^/@]{0,4096}@/, `//${MASK}@`)
      .replace(/#.*$/s, `#${MASK}`)
      .replace(/\?.*$/s, `?${MASK}`)
      .replace(WEBHOOK_TOKEN, (m, token: string) => m.slice(0, m.length - token.length) + MASK);
  }
  if (u.username) u.username = MASK;
  if (u.password) u.password = MASK;
  if (u.search) {
    const shown = [...u.searchParams].map(([key, value]): [string, string] => [
      key,
      isPlainParam(key, value) ? value : MASK,
    ]);
    u.search = new URLSearchParams(shown).toString();
  }
  // A fragment can carry tokens too (`#access_token=…` of OAuth implicit flows).
  if (u.hash) u.hash = MASK;
  u.pathname = u.pathname.replace(
    WEBHOOK_TOKEN,
    (m, token: string) => m.slice(0, m.length - token.length) + MASK,
  );
  // URLSearchParams encodes `*`; keep the mask readable.
  return u.toString().replace(/%2A%2A%2A/g, MASK);
}

/** Every secret part of one URL, in each form it may be printed. */
export function urlSecrets(url: string): string[] {
  const out: string[] = [];
  // As written in the URL, and as a server or a log may print it decoded.
  const add = (value: string) => out.push(value, safeDecode(value));
  // Query values arrive decoded; they may be printed encoded again.
  const addQuery = (value: string) => out.push(value, encodeURIComponent(value));
  for (const match of url.matchAll(WEBHOOK_TOKEN)) if (match[1]) add(match[1]);
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    // Unparseable text may still hold a query: mask each value after `=` up to a separator.
    for (const match of url.matchAll(/[?&][^=&#\s]{1,200}=([^&#\s]{1,4096})/g)) if (match[1]) add(match[1]);
    const userinfo = /\/\/([^/@]{1,4096})@/.exec(url)?.[1];
    if (userinfo) for (const part of [userinfo, ...userinfo.split(':')]) add(part);
    return clean(out);
  }
  if (u.username && !HOST_LIKE.test(u.username)) add(u.username);
  if (u.password) add(u.password);
  for (const [key, value] of u.searchParams) if (!isPlainParam(key, value)) addQuery(value);
  if (u.hash.length > 1) {
    add(u.hash.slice(1));
    for (const part of u.hash.slice(1).split('&')) {
      const value = part.slice(part.indexOf('=') + 1);
      if (part.includes('=') && value) add(value);
    }
  }
  const exec = webhookExecuteUrl(u);
  if (exec && exec !== url.trim()) out.push(exec);
  return clean(out);
}

/** A header's value, and the bare token of `Authorization: Bearer …`-style values; none for plain headers. */
export function headerSecrets(name: string, value: string): string[] {
  if (PLAIN_HEADERS.has(name.toLowerCase())) return [];
  const token = /^(?:bearer|basic|token|bot)\s+(\S+)\s*$/i.exec(value.trim())?.[1];
  return clean([value, value.trim(), ...(token ? [token] : [])]);
}

/** Rules an input spec can name. */
export const secret = {
  /** The whole value is a secret (a token). */
  value: ((text) => clean([text, text.trim()])) satisfies SecretRule,
  /** Every URL in the text (one per line, or inside YAML/JSON), whole and by its secret parts. */
  urls: ((text) => {
    const out: string[] = [];
    for (const match of text.matchAll(/[a-z][a-z0-9+.-]{0,20}:\/\/[^\s'"<>`]{1,8192}/gi)) {
      out.push(...urlSecrets(match[0]));
    }
    return clean(out);
  }) satisfies SecretRule,
  /** Webhook URLs, one per line: each whole line and its token. */
  webhookUrls: ((text) => {
    const out: string[] = [];
    for (const line of text.split(/[\n,]/)) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      out.push(trimmed, ...urlSecrets(trimmed));
    }
    return clean(out);
  }) satisfies SecretRule,
};

/** Secrets a runner's environment carries whatever the inputs: proxy credentials. */
export function environmentSecrets(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy']) {
    const value = env[name];
    if (value) out.push(...urlSecrets(value));
  }
  return clean(out);
}

function clean(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v.trim().length >= MIN_SECRET_LENGTH))];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
