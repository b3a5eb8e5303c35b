import { parseInputs, readRunContext, reportInputErrors, type Runtime } from '@sre-toolkit/action';
import {
  deliverySummary,
  FOREIGN_HOST_RULE,
  postMessages,
  previewMessages,
  type Transport,
} from '@sre-toolkit/discord';
import { compose } from '@sre-toolkit/notify';
import { inputs } from './inputs';

export const USER_AGENT = 'sre-toolkit-discord-notify/1.0 (+https://github.com/features/actions)';

export async function run(rt: Runtime, transport?: Transport): Promise<void> {
  const parsed = parseInputs(inputs, rt);
  if (!parsed.ok) return reportInputErrors(rt, parsed.errors);
  const i = parsed.value;
  const problems = [
    ...(!i['dry-run'] && !i['webhook-url'].length
      ? [{ input: 'webhook-url', message: 'is required unless dry-run is true' }]
      : []),
    ...(i['thread-id'] && i['thread-name']
      ? [{ input: 'thread-name', message: 'cannot be combined with thread-id; use one' }]
      : []),
    ...(i.template === 'plain' && !i.title && !i.description && !i.content && !i.fields.length
      ? [{ input: 'template', message: 'plain needs a title, description, content or fields' }]
      : []),
    ...(!i['allow-any-host'] && i['webhook-url'].some((w) => !w.discordHost)
      ? [{ input: 'webhook-url', message: FOREIGN_HOST_RULE }]
      : []),
  ];
  if (problems.length) return reportInputErrors(rt, problems);

  const composed = compose(
    {
      status: i.status,
      template: i.template,
      title: i.title,
      description: i.description,
      content: i.content,
      url: i.url,
      color: i.color,
      username: i.username,
      avatarUrl: i['avatar-url'],
      footer: i.footer,
      fields: i.fields,
      environment: i.environment,
      version: i.version,
      startedAt: i['started-at'],
      mention: i.mention,
      mentionOn: i['mention-on'],
      notifyOn: i['notify-on'],
      threadName: i['thread-name'],
      suppressNotifications: i['suppress-notifications'],
    },
    readRunContext(rt.env),
    rt.now(),
  );
  if ('skip' in composed) {
    rt.info(composed.skip);
    rt.setOutput('sent', 'false');
    rt.setOutput('payload', '');
    rt.setOutput('message-ids', '');
    return;
  }
  const payload = JSON.stringify(composed.message);
  rt.setOutput('payload', payload);
  if (i['dry-run']) {
    previewMessages(rt, [composed.message], 'message', `dry run, ${composed.template} template`);
    rt.setOutput('sent', 'false');
    rt.setOutput('message-ids', '');
    return;
  }
  const webhooks = i['thread-id']
    ? i['webhook-url'].map((w) => ({ ...w, url: withThread(w.url, i['thread-id']) }))
    : i['webhook-url'];
  const outcome = await postMessages(rt, webhooks, [composed.message], {
    timeoutMs: i.timeout,
    failOnError: i['fail-on-error'],
    userAgent: USER_AGENT,
    what: 'notification',
    allowAnyHost: i['allow-any-host'],
    ...(transport ? { transport } : {}),
  });
  rt.setOutput('sent', String(outcome.sent));
  rt.setOutput('message-ids', outcome.messageIds.join(','));
  rt.appendSummary(deliverySummary(composed.message, outcome.results));
}

function withThread(url: string, threadId: string): string {
  const u = new URL(url);
  u.searchParams.set('thread_id', threadId);
  return u.toString();
}
