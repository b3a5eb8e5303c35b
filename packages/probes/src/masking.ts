/**
 * Where a probe target hides secrets. The rules themselves (which URL parts and header values are
 * secret, and how a URL is shown) are @sre-toolkit/action's, shared by all four actions.
 */
import { headerSecrets, maskUrl, MASK, secret, urlSecrets, type SecretRule } from '@sre-toolkit/action';
import { yamlParser } from './yaml-parser';

export { MASK, maskUrl };

/**
 * The `targets` shorthand, one URL per line (blank lines and `# comments` skipped), or undefined
 * when the text is anything else (YAML). Such a text needs no YAML parser.
 */
export function plainUrlLines(text: string): string[] | undefined {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return lines.length && lines.every((l) => /^https?:\/\/\S+$/i.test(l)) ? lines : undefined;
}

/** Every secret a target carries: URL credentials and query values, webhook tokens, header values. */
export function targetSecrets(target: {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}): string[] {
  const out = new Set(urlSecrets(target.url));
  for (const [name, value] of Object.entries(target.headers))
    for (const s of headerSecrets(name, value)) out.add(s);
  return [...out];
}

/**
 * The secrets of a targets text (the `targets` input, or the `config` file), found before it is
 * parsed for real so that no error can print one: every URL, and every header value. Lenient on
 * purpose: YAML with a syntax error still yields what it can, and header lines are read as text too.
 */
export const targetsTextSecrets: SecretRule = (text) => {
  const out = new Set(secret.urls(text));
  // One URL per line: YAML reads that as one string, which adds nothing to the URLs found above.
  if (plainUrlLines(text)) return [...out];
  const add = (values: readonly string[]) => values.forEach((v) => out.add(v));
  const doc = yamlParser().parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    value = undefined;
  }
  const items: unknown[] = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { targets?: unknown }).targets)
      ? (value as { targets: unknown[] }).targets
      : [];
  for (const item of items) {
    if (typeof item === 'string') add(urlSecrets(item));
    if (!item || typeof item !== 'object') continue;
    const { url, headers } = item as { url?: unknown; headers?: unknown };
    if (typeof url === 'string') add(urlSecrets(url));
    if (headers && typeof headers === 'object') {
      for (const [k, v] of Object.entries(headers))
        if (v !== null && typeof v !== 'object') add(headerSecrets(k, String(v)));
    }
  }
  if (doc.errors.length) add(headerLineSecrets(text));
  return [...out];
};

/** Header values read line by line, for YAML that does not parse: `headers:` blocks and `{ … }` maps. */
function headerLineSecrets(text: string): string[] {
  const out: string[] = [];
  const entry = (name: string, raw: string) => {
    const value = raw.trim().replace(/^(["'])(.*?)\1?$/, '$2');
    const secrets = value ? headerSecrets(name, value) : [];
    if (secrets.length) out.push(...secrets, raw.trim());
  };
  let blockIndent = -1;
  for (const line of text.split(/\r?\n/)) {
    const indent = /^\s*(?:-\s+)?/.exec(line)?.[0].length ?? 0;
    const flow = /^\s*(?:-\s+)?headers\s*:\s*\{(.*?)\}?\s*$/.exec(line);
    if (flow) {
      for (const pair of (flow[1] ?? '').split(',')) {
        const at = pair.indexOf(':');
        if (at > 0) entry(pair.slice(0, at).trim(), pair.slice(at + 1));
      }
      blockIndent = -1;
      continue;
    }
    if (/^\s*(?:-\s+)?headers\s*:\s*$/.test(line)) {
      blockIndent = indent;
      continue;
    }
    if (blockIndent < 0 || !line.trim()) continue;
    if (indent <= blockIndent) {
      blockIndent = -1;
      continue;
    }
    const pair = /^\s*([^:\s][^:]*?)\s*:\s*(.*)$/.exec(line);
    if (pair) entry(pair[1] ?? '', pair[2] ?? '');
  }
  return out;
}
