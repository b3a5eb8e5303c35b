/**
 * Removes personal data and secrets from text before it leaves the runner (REFERENCE §5). Values
 * are replaced, not dropped, so a message stays readable. Order matters: credentials inside URLs
 * before e-mail addresses (`user:pass@host` looks like one), tokens before key=value pairs (so the
 * pair keeps the more telling `[token]`), cards and IBANs before phone numbers.
 */
/**
 * Every pattern here sees text from outside, so each runs in linear time: quantifiers that could
 * retry at every position are bounded (a local part at most 64 characters, a label 63, …), and the
 * PEM rule is a scan, not a pattern (packages/crashes/__tests__/pathological.test.ts holds them to it).
 */
const LOCAL_PART = /[\w.+-]/;
const DOMAIN = /[\w-]{1,63}(?:\.[\w-]{1,63}){1,16}/y;

/**
 * E-mail addresses → `placeholder`, found from each `@` (a local part of up to 64 characters before
 * it, a domain after it): `[\w.+-]+@…` as a pattern was retried from every position of a long word.
 */
export function replaceEmails(text: string, placeholder: string): string {
  let at = text.indexOf('@');
  if (at === -1) return text;
  let out = '';
  let from = 0;
  while (at !== -1) {
    let start = at;
    while (start > from && at - start < 64 && LOCAL_PART.test(text.charAt(start - 1))) start--;
    DOMAIN.lastIndex = at + 1;
    if (start < at && DOMAIN.test(text)) {
      out += text.slice(from, start) + placeholder;
      from = DOMAIN.lastIndex;
    }
    at = text.indexOf('@', Math.max(at + 1, from));
  }
  return out + text.slice(from);
}

const JWT_PART = /[A-Za-z0-9_-]/;
const JWT_HEADER_MAX = 2048;
const JWT = /eyJ[A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{1,8192}\.[A-Za-z0-9_-]{0,1024}/y;

/**
 * JWTs (`eyJ…` header, payload, signature) → `[token]`. A run of token characters that does not
 * reach a `.` is skipped whole: every `eyJ` inside it would fail the same way.
 */
export function replaceJwts(text: string): string {
  let at = text.indexOf('eyJ');
  if (at === -1) return text;
  let out = '';
  let from = 0;
  // End of the run of token characters the current `eyJ` lies in: every `eyJ` of one run shares
  // it, so it is found once per run, not once per `eyJ` (that was quadratic on `eyJa-eyJa-…a.a`).
  let runEnd = -1;
  while (at !== -1) {
    let next = at + 1;
    if (at === 0 || !/\w/.test(text.charAt(at - 1))) {
      JWT.lastIndex = at;
      if (JWT.test(text)) {
        out += `${text.slice(from, at)}[token]`;
        from = next = JWT.lastIndex;
      } else {
        if (at >= runEnd) {
          runEnd = at + 3;
          while (runEnd < text.length && JWT_PART.test(text.charAt(runEnd))) runEnd++;
        }
        if (text.charAt(runEnd) !== '.') next = runEnd;
        // The header is at most 2,048 characters: no `eyJ` farther than that from the `.` matches.
        else if (runEnd - at > JWT_HEADER_MAX + 3) next = runEnd - JWT_HEADER_MAX - 3;
      }
    }
    at = text.indexOf('eyJ', next);
  }
  return out + text.slice(from);
}

const SECRET_KEYS = 'password|secret|passwd|api[-_]?key|auth|credentials|token|private[-_]?key';

type Replace = readonly [RegExp, string | ((match: string, ...groups: string[]) => string)];

/**
 * A step of the scrubber, and when it can change anything: `when` is a necessary condition for a
 * match, read off the text's traits (one pass over it, `traitsOf`). A step whose condition fails
 * is skipped; it could not have matched, so the result is the same as running every step. The
 * traits are read again after any step that changed the text, so a condition never relies on what
 * an earlier replacement may have put in.
 */
interface Step {
  readonly run: Replace | ((text: string) => string);
  readonly when?: (t: Traits, text: string) => boolean;
}

export const SCRUB_STEPS: readonly Step[] = [
  // `scheme://user:pass@`: the scheme's colon and the pair's, and the `@`.
  {
    run: [/\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/:@]{1,256}:[^\s/@]{0,256}@/gi, '$1[auth]@'],
    when: (t) => t.at && t.colons >= 2,
  },
  // Finds each `eyJ` by indexOf itself.
  { run: replaceJwts, when: (_t, text) => text.includes('eyJ') },
  // At least 8 characters, so prose like "Bearer token missing" stays. The word, then a space.
  {
    run: [/\b(Bearer)\s{1,16}(?!\[)[A-Za-z0-9\-._~+/]{8,4096}={0,2}/gi, '$1 [token]'],
    when: (t, text) => t.space && BEARER.test(text),
  },
  // The match starts at the key word: a prefix (`db_password`) stays as it is, and need not be
  // matched, which made every position of a long word a new, long attempt. A `:` or `=` follows it.
  {
    run: [
      new RegExp(
        `((?:${SECRET_KEYS})[\\w.-]{0,64})(["']?\\s{0,16}[:=]\\s{0,16}["']?)(?!\\[|Bearer )([^\\s"',;&}\\])]+)`,
        'gi',
      ),
      '$1$2[Filtered]',
    ],
    when: (t) => t.colons > 0 || t.equals,
  },
  // After key=value pairs, so `access_token=sk_live_…` stays `[Filtered]` as before. Vendor tokens
  // by their documented prefixes: GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`,
  // `github_pat_`), Slack (`xoxb-`, `xoxp-`, …), Stripe secret and restricted keys, AWS access key
  // ids. Each branch is a literal prefix and one bounded class, so an attempt ends within 256
  // characters and a match resumes after itself: linear. Every match is a run of at least 15
  // characters of [A-Za-z0-9_-] (`xoxb-` and 10).
  {
    run: [
      /(?<![A-Za-z0-9_])(?:gh[opusr]_[A-Za-z0-9]{30,251}|github_pat_[A-Za-z0-9_]{22,244}|xox[abeoprs]-[A-Za-z0-9-]{10,250}|[rs]k_(?:live|test)_[A-Za-z0-9]{10,247}|(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9]))/g,
      '[token]',
    ],
    when: (t) => t.wordRun >= 15,
  },
  // Finds each `@` by indexOf itself.
  { run: (text) => replaceEmails(text, '[email]'), when: (t) => t.at },
  // 3 or 4 digits, then 12.
  {
    run: [/\b(?:3[47]\d|4\d{3}|5[1-5]\d\d|65\d\d|6011)(?:[ -]?\d){12}\b/g, '[creditcard]'],
    when: (t) => t.digits >= 15,
  },
  // One character class, not `(?: ?[A-Z0-9]){11,30}`: the group's backtracking cost 3 s per 100 KB.
  // Two capitals and two digits in a row begin every match.
  { run: [/\b[A-Z]{2}\d{2}[ A-Z0-9]{10,39}[A-Z0-9]\b/g, scrubIban], when: (t) => t.capsDigits },
  {
    run: [/\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g, '[ip]'],
    when: (t) => t.digits >= 4 && t.dots >= 3,
  },
  // Seven colons, or a `::`.
  {
    run: [
      /(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}|::1)(?![\w:])/gi,
      '[ip]',
    ],
    when: (t) => t.colons >= 2,
  },
  // International numbers (+ and a country code), and national ones written with separators; a
  // bare run of digits is more often an id than a phone number.
  {
    run: [/(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{2,5}){2,5}(?!\d)/g, '[phone]'],
    when: (t) => t.plus && t.digits >= 5,
  },
  { run: [/(?<![\w.-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\w-])/g, '[phone]'], when: (t) => t.digits >= 10 },
  {
    run: [/(\/(?:home|Users)\/)[^/\s]+\//g, '$1[user]/'],
    when: (_t, text) => text.includes('/home/') || text.includes('/Users/'),
  },
  // Windows user names may hold spaces. A drive letter, its colon and a slash begin every match.
  { run: [/\b([A-Za-z]:[\\/]+Users[\\/]+)[^\\/\r\n]+([\\/])/gi, '$1[user]$2'], when: (t) => t.drive },
];

const BEARER = /bearer/i;

/** What the steps' conditions read, found in one pass (`traitsOf`). */
export interface Traits {
  /** ASCII digits. */
  digits: number;
  colons: number;
  dots: number;
  at: boolean;
  equals: boolean;
  plus: boolean;
  /** Any white space: ASCII, or any character over 127 (some of which `\s` matches). */
  space: boolean;
  /** The longest run of [A-Za-z0-9_-]. */
  wordRun: number;
  /** Two capitals followed by two digits, somewhere. */
  capsDigits: boolean;
  /** A letter, a colon and a slash or backslash, somewhere. */
  drive: boolean;
}

/** The text's traits, in one pass over its characters. */
export function traitsOf(text: string): Traits {
  const t: Traits = {
    digits: 0,
    colons: 0,
    dots: 0,
    at: false,
    equals: false,
    plus: false,
    space: false,
    wordRun: 0,
    capsDigits: false,
    drive: false,
  };
  let run = 0;
  // The class of the last four characters, two bits each: 1 capital, 2 digit, 3 letter (other).
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let kind = 0;
    if (c >= 48 && c <= 57) {
      t.digits++;
      kind = 2;
    } else if (c >= 65 && c <= 90) kind = 1;
    else if (c >= 97 && c <= 122) kind = 3;
    if (kind !== 0 || c === 95 /* _ */ || c === 45 /* - */) {
      if (++run > t.wordRun) t.wordRun = run;
    } else {
      run = 0;
      if (c === 58 /* : */) t.colons++;
      else if (c === 46 /* . */) t.dots++;
      else if (c === 64 /* @ */) t.at = true;
      else if (c === 61 /* = */) t.equals = true;
      else if (c === 43 /* + */) t.plus = true;
      else if (c === 32 || (c >= 9 && c <= 13) || c > 127) t.space = true;
      else if (
        (c === 47 /* / */ || c === 92) /* \ */ &&
        text.charCodeAt(i - 1) === 58 &&
        isLetter(text.charCodeAt(i - 2))
      )
        t.drive = true;
    }
    last = ((last << 2) | kind) & 0xff;
    // Capital, capital, digit, digit: 01 01 10 10.
    if (last === 0b01011010) t.capsDigits = true;
  }
  return t;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** One step of the scrubber on `text`, whatever its condition says. */
export function runScrubStep(step: Step, text: string): string {
  const run = step.run;
  if (typeof run === 'function') return run(text);
  const [pattern, replacement] = run;
  // Two calls only for String.replace's overloads (a string, or a function, as replacement).
  return typeof replacement === 'string'
    ? text.replace(pattern, replacement)
    : text.replace(pattern, replacement);
}

export function scrub(text: string): string {
  let out = scrubPemBlocks(text);
  let traits = traitsOf(out);
  for (const step of SCRUB_STEPS) {
    if (step.when && !step.when(traits, out)) continue;
    const before = out;
    out = runScrubStep(step, out);
    if (out !== before) traits = traitsOf(out);
  }
  return out;
}

const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';
const PEM_LABEL = /^[A-Z0-9 ]{0,64}(?:PRIVATE KEY|CERTIFICATE)[A-Z ]{0,64}$/;

/** PEM key and certificate blocks → `[Filtered]`; a scan with indexOf, linear however many markers. */
export function scrubPemBlocks(text: string): string {
  let out = '';
  let from = 0;
  let at = text.indexOf(PEM_BEGIN);
  while (at !== -1) {
    const labelEnd = text.indexOf('-----', at + PEM_BEGIN.length);
    if (labelEnd === -1) break;
    if (!PEM_LABEL.test(text.slice(at + PEM_BEGIN.length, labelEnd))) {
      at = text.indexOf(PEM_BEGIN, at + 1);
      continue;
    }
    const end = text.indexOf(PEM_END, labelEnd + 5);
    const close = end === -1 ? -1 : text.indexOf('-----', end + PEM_END.length);
    if (close === -1) break;
    out += `${text.slice(from, at)}[Filtered]`;
    from = close + 5;
    at = text.indexOf(PEM_BEGIN, from);
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The match may run into the next word ("DE89… AND"): retry without trailing space-separated parts. */
function scrubIban(match: string): string {
  // The pattern's class lets spaces run together; an IBAN has single spaces between its groups.
  const gap = match.indexOf('  ');
  let candidate = gap === -1 ? match : match.slice(0, gap);
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
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    // Digits stand for themselves, letters for two digits (A = 10 … Z = 35).
    if (c >= 48 && c <= 57) remainder = (remainder * 10 + c - 48) % 97;
    else if (c >= 65 && c <= 90) remainder = (remainder * 100 + c - 55) % 97;
    else return false;
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
