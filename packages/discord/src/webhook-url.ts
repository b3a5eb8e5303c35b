import { WEBHOOK_PATH } from '@sre-toolkit/action';

/** A Discord webhook, parsed from what a workflow author pasted. */
export interface Webhook {
  readonly id: string;
  readonly token: string;
  /** The execute URL: `/api/v10/…?wait=true`, plus `thread_id` when given. */
  readonly url: string;
  /** How logs name it: by id only, never by token. */
  readonly label: string;
  /**
   * Discord's own host (or loopback, for tests). The token goes nowhere else unless the workflow
   * says `allow-any-host: true` for a Discord-compatible relay.
   */
  readonly discordHost: boolean;
}

const DISCORD_HOSTS = new Set([
  'discord.com',
  'discordapp.com',
  'ptb.discord.com',
  'canary.discord.com',
  'ptb.discordapp.com',
  'canary.discordapp.com',
]);

/** Why a webhook on another host is refused, with the way out. */
export const FOREIGN_HOST_RULE =
  'must be on discord.com or discordapp.com (or ptb./canary.): the webhook token would go to another host. For a Discord-compatible relay set allow-any-host: true';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

export type WebhookParse = { value: Webhook } | { error: string };

/** Checks one URL. Error messages never repeat the URL: it holds the token. */
export function parseWebhookUrl(text: string): WebhookParse {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return {
      error:
        'is not a URL; copy it from Discord: Channel settings → Integrations → Webhooks → Copy Webhook URL',
    };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    return {
      error: `must use https:// (plain http:// is accepted only for loopback test servers), not ${url.protocol}//`,
    };
  }
  if (url.username || url.password) return { error: 'must not carry a user name or password' };
  const match = WEBHOOK_PATH.exec(url.pathname);
  if (!match) {
    return { error: 'is not a Discord webhook URL: expected https://discord.com/api/webhooks/<id>/<token>' };
  }
  const [, prefix = '', id = '', token = '', suffix] = match;
  if (suffix) {
    return {
      error: `ends in ${suffix}: that is Discord's ${suffix === '/slack' ? 'Slack' : 'GitHub'}-compatible endpoint, which rejects this action's messages. Remove ${suffix} from the URL`,
    };
  }
  const exec = new URL(`${url.protocol}//${url.host}${prefix}/api/v10/webhooks/${id}/${token}`);
  exec.searchParams.set('wait', 'true');
  const thread = url.searchParams.get('thread_id');
  if (thread) {
    if (!/^\d{1,25}$/.test(thread)) return { error: 'has a thread_id that is not a numeric id' };
    exec.searchParams.set('thread_id', thread);
  }
  const discordHost = DISCORD_HOSTS.has(url.hostname.toLowerCase()) || LOOPBACK.test(url.hostname);
  return { value: { id, token, url: exec.toString(), label: `webhook ${id}`, discordHost } };
}
