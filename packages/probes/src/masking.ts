/**
 * Where a probe target hides secrets. The rules themselves (which URL parts and header values are
 * secret, and how a URL is shown) are @sre-toolkit/action's, shared by all four actions.
 */
import { headerSecrets, maskUrl, MASK, urlSecrets } from '@sre-toolkit/action';

export { MASK, maskUrl };

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
