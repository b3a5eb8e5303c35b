import type { RunContext } from '@sre-toolkit/action';
import {
  buildSplitMessage,
  fitNotes,
  NO_MENTIONS,
  type Mentions,
  type WebhookMessage,
} from '@sre-toolkit/discord';
import type { Field, Notification, Status, TemplateName } from './notification';
import { deploymentState } from './event-durations';
import { chooseTemplate, renderEmbed } from './templates';

/** discord-notify's inputs after validation, in the shape compose() needs. */
export interface NotifyRequest {
  readonly status: Status;
  readonly template: TemplateName;
  readonly title: string;
  readonly description: string;
  readonly content: string;
  readonly url: string;
  readonly color: number | undefined;
  readonly username: string;
  readonly avatarUrl: string;
  readonly footer: string;
  readonly fields: readonly Field[];
  readonly environment: string;
  readonly version: string;
  readonly startedAt: Date | undefined;
  readonly mention: Mentions;
  readonly mentionOn: readonly Status[];
  readonly notifyOn: readonly Status[];
  readonly threadName: string;
  readonly threadTags: readonly string[];
  readonly suppressNotifications: boolean;
}

export type Composed =
  | { skip: string }
  | {
      /** The first message: the embed and the pings. */
      message: WebhookMessage;
      /** Every message to send, in order: more than one when the content was split. */
      messages: WebhookMessage[];
      template: string;
      /** What Discord's limits made us cut or drop, for a warning; empty when nothing. */
      notes: string[];
    };

const opt = <K extends string>(key: K, value: string) =>
  (value ? { [key]: value } : {}) as Partial<Record<K, string>>;

/** The message discord-notify sends for a request in a run context, or why it sends none. */
export function compose(request: NotifyRequest, ctx: RunContext, now: Date): Composed {
  const state = request.status === 'info' ? deploymentState(ctx.eventName, ctx.payload) : undefined;
  // The template is still the one the info default picks: the event's own message, or deploy.
  const picked: TemplateName =
    state && request.template === 'auto'
      ? request.environment || request.version
        ? 'deploy'
        : 'event'
      : request.template;
  const req = state ? { ...request, status: state, template: picked } : request;
  if (!req.notifyOn.includes(req.status)) {
    return {
      skip: `status ${req.status} is not in notify-on (${req.notifyOn.join(', ') || 'empty'}); nothing sent`,
    };
  }
  const n: Notification = {
    status: req.status,
    template: req.template,
    fields: req.fields,
    ...opt('title', req.title),
    ...opt('description', req.description),
    ...opt('url', req.url),
    ...opt('footer', req.footer),
    ...opt('environment', req.environment),
    ...opt('version', req.version),
    ...(req.color !== undefined ? { color: req.color } : {}),
    ...(req.startedAt ? { startedAt: req.startedAt } : {}),
  };
  const template = chooseTemplate(n);
  const plainWithoutEmbed = template === 'plain' && !req.title && !req.description && !req.fields.length;
  const embeds = plainWithoutEmbed ? [] : [renderEmbed(n, ctx, now)];
  const messages = buildSplitMessage(embeds, {
    content: req.content,
    mentions: req.mentionOn.includes(req.status) ? req.mention : NO_MENTIONS,
    ...opt('username', req.username),
    ...opt('avatarUrl', req.avatarUrl),
    ...opt('threadName', req.threadName),
    threadTags: req.threadTags,
    suppressNotifications: req.suppressNotifications,
  });
  const message = messages[0] as WebhookMessage;
  const notes = fitNotes(embeds, message.embeds ?? []);
  if (messages.length > 1)
    notes.unshift(
      `content of ${req.content.length.toLocaleString('en-US')} characters split into ${messages.length} messages (pings only in the first)`,
    );
  return { message, messages, template, notes };
}
