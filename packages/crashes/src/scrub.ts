/**
 * Removes personal data and secrets from text before it leaves the runner (REFERENCE §5). Values
 * are replaced, not dropped, so a message stays readable. Order matters: credentials inside URLs
 * before e-mail addresses (`user:pass@host` looks like one), tokens before key=value pairs (so the
 * pair keeps the more telling `[token]`), cards and IBANs before phone numbers.
 */
const SECRET_KEYS = 'password|secret|passwd|api[-_]?key|auth|credentials|token|private[-_]?key';

type Step = readonly [RegExp, string | ((match: string, ...groups: string[]) => string)];

const STEPS: readonly Step[] = [
  [
    /-----BEGIN [A-Z0-9 ]*(?:PRIVATE KEY|CERTIFICATE)[A-Z ]*-----[\s\S]*?-----END [A-Z0-9 ]*-----/g,
    '[Filtered]',
  ],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]*@/gi, '$1[auth]@'],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[token]'],
  // At least 8 characters, so prose like "Bearer token missing" stays.
  [/\b(Bearer)\s+(?!\[)[A-Za-z0-9\-._~+/]{8,}=*/gi, '$1 [token]'],
  [
    new RegExp(
      `([\\w.-]*(?:${SECRET_KEYS})[\\w.-]*)(["']?\\s*[:=]\\s*["']?)(?!\\[|Bearer )([^\\s"',;&}\\])]+)`,
      'gi',
    ),
    '$1$2[Filtered]',
  ],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '[email]'],
  [/\b(?:3[47]\d|4\d{3}|5[1-5]\d\d|65\d\d|6011)(?:[ -]?\d){12}\b/g, '[creditcard]'],
  [/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g, scrubIban],
  [/\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g, '[ip]'],
  [
    /(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}|::1)(?![\w:])/gi,
    '[ip]',
  ],
  // International numbers (+ and a country code), and national ones written with separators; a
  // bare run of digits is more often an id than a phone number.
  [/(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{2,5}){2,5}(?!\d)/g, '[phone]'],
  [/(?<![\w.-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\w-])/g, '[phone]'],
  [/(\/(?:home|Users)\/)[^/\s]+\//g, '$1[user]/'],
  // Windows user names may hold spaces.
  [/\b([A-Za-z]:[\\/]+Users[\\/]+)[^\\/\r\n]+([\\/])/gi, '$1[user]$2'],
];

export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of STEPS) {
    out =
      typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out;
}

/** The match may run into the next word ("DE89… AND"): retry without trailing space-separated parts. */
function scrubIban(match: string): string {
  let candidate = match;
  for (;;) {
    if (isIban(candidate)) return `[iban]${match.slice(candidate.length)}`;
    const space = candidate.lastIndexOf(' ');
    if (space < 15) return match;
    candidate = candidate.slice(0, space);
  }
}

/** ISO 13616 check digits (mod 97 = 1): upper-case codes that merely look like an IBAN stay. */
export function isIban(candidate: string): boolean {
  const compact = candidate.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

/**
 * A frame's file for display: `file:` URIs and absolute paths (which name the developer's
 * machine, often its user) are reduced to their basename; `package:` and `dart:` URIs stay.
 */
export function displayUri(uri: string): string {
  if (uri.startsWith('file:') || uri.startsWith('/') || /^[A-Za-z]:[\\/]/.test(uri)) {
    return uri.slice(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\')) + 1);
  }
  return uri;
}
