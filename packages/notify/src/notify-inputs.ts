import { cleanText, type InputError } from '@sre-toolkit/action';
import { FOREIGN_HOST_RULE, snowflakeTime, type Mentions, type Webhook } from '@sre-toolkit/discord';
import type { NotifyRequest } from './compose';
import type { Field, Status, TemplateName } from './notification';

/** discord-notify's inputs as its schema parses them (kebab-case names, as in action.yml). */
export interface NotifyInputs {
  readonly 'webhook-url': readonly Webhook[];
  readonly status: Status;
  readonly template: TemplateName;
  readonly title: string;
  readonly description: string;
  readonly content: string;
  readonly url: string;
  readonly color: number | undefined;
  readonly username: string;
  readonly 'avatar-url': string;
  readonly footer: string;
  readonly fields: readonly Field[];
  readonly environment: string;
  readonly version: string;
  readonly 'started-at': Date | undefined;
  readonly mention: Mentions;
  readonly 'mention-on': readonly Status[];
  readonly 'notify-on': readonly Status[];
  readonly 'thread-id': string;
  readonly 'thread-name': string;
  readonly 'message-id': string;
  readonly 'thread-tags': readonly string[];
  readonly 'suppress-notifications': boolean;
  readonly 'dry-run': boolean;
  readonly 'allow-any-host': boolean;
}

/** Rules between inputs, which no single input's rule can see. */
export function inputProblems(i: NotifyInputs): InputError[] {
  const problems: InputError[] = [];
  if (!i['dry-run'] && !i['webhook-url'].length)
    problems.push({ input: 'webhook-url', message: 'is required unless dry-run is true' });
  if (i['thread-id'] && i['thread-name'])
    problems.push({ input: 'thread-name', message: 'cannot be combined with thread-id; use one' });
  if (i['thread-tags'].length && !i['thread-name'])
    problems.push({ input: 'thread-tags', message: 'tags a new forum post: set thread-name too' });
  if (i['message-id'] && i['webhook-url'].length > 1)
    problems.push({
      input: 'message-id',
      message: `edits one message on one webhook, but webhook-url has ${i['webhook-url'].length}; use one webhook-url with message-id`,
    });
  if (i.template === 'plain' && !i.title && !i.description && !i.content && !i.fields.length)
    problems.push({ input: 'template', message: 'plain needs a title, description, content or fields' });
  if (!i['allow-any-host'] && i['webhook-url'].some((w) => !w.discordHost))
    problems.push({ input: 'webhook-url', message: FOREIGN_HOST_RULE });
  return problems;
}

/**
 * The inputs in the shape `compose()` takes. Authors write markdown on purpose, but they often
 * interpolate event text (`${{ github.event.* }}`) into it: invisible and control characters go.
 */
export function notifyRequest(i: NotifyInputs): NotifyRequest {
  return {
    status: i.status,
    template: i.template,
    title: cleanText(i.title),
    description: cleanText(i.description),
    content: cleanText(i.content),
    url: i.url,
    color: i.color,
    username: i.username,
    avatarUrl: i['avatar-url'],
    footer: cleanText(i.footer),
    fields: i.fields.map((f) => ({ ...f, name: cleanText(f.name), value: cleanText(f.value) })),
    environment: i.environment,
    version: i.version,
    // Editing the message posted when the job started: its id says when that was.
    startedAt: i['started-at'] ?? (i['message-id'] ? snowflakeTime(i['message-id']) : undefined),
    mention: i.mention,
    mentionOn: i['mention-on'],
    notifyOn: i['notify-on'],
    threadName: i['thread-name'],
    threadTags: i['thread-tags'],
    suppressNotifications: i['suppress-notifications'],
  };
}

/** The webhooks to post to: into `thread-id`'s thread when one is given. */
export function targetWebhooks(i: NotifyInputs): Webhook[] {
  const thread = i['thread-id'];
  if (!thread) return [...i['webhook-url']];
  return i['webhook-url'].map((w) => {
    const u = new URL(w.url);
    u.searchParams.set('thread_id', thread);
    return { ...w, url: u.toString() };
  });
}
