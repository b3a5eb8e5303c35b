/**
 * Where a probe target hides secrets, and the URL as it may be shown. GitHub masks only exact strings
 * it was told about, so every secret part is also returned for `setSecret`.
 */

/** Query parameters whose values are credentials in practice (`?token=`, `?api_key=`, signed URLs). */
const SECRET_QUERY =
  /^(?:.*(?:token|secret|passw(?:or)?d|pwd|api[-_]?key|apikey|auth|credential|session|signature|private)|key|sig|code|access_key|x-amz-.*)$/i;

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

export const MASK = '***';

/** The URL with user, password and secret query values replaced by `***`. */
export function maskUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, `//${MASK}@`);
  }
  if (u.username) u.username = MASK;
  if (u.password) u.password = MASK;
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_QUERY.test(key)) u.searchParams.set(key, MASK);
  }
  // URLSearchParams encodes `*`; keep the mask readable.
  return u.toString().replace(/%2A%2A%2A/g, MASK);
}

/** Every secret a target carries: URL credentials (raw and decoded), secret query values, header values. */
export function targetSecrets(target: {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}): string[] {
  const out = new Set<string>();
  const add = (v: string) => {
    if (v.trim()) out.add(v);
  };
  try {
    const u = new URL(target.url);
    for (const part of [u.username, u.password]) {
      add(part);
      add(safeDecode(part));
    }
    for (const [key, value] of u.searchParams) {
      if (!SECRET_QUERY.test(key)) continue;
      add(value);
      add(encodeURIComponent(value));
    }
  } catch {
    // An invalid URL is reported by the target parser; nothing to extract.
  }
  for (const [name, value] of Object.entries(target.headers)) {
    if (PLAIN_HEADERS.has(name.toLowerCase())) continue;
    add(value);
    // `Authorization: Bearer abc` — the token alone may be echoed somewhere too.
    const token = /^(?:bearer|basic|token|bot)\s+(.+)$/i.exec(value.trim())?.[1];
    if (token) add(token);
  }
  return [...out];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
