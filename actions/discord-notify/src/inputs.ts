import {
  bool,
  choice,
  choiceIgnoringCase,
  choices,
  input,
  optionalUrl,
  rule,
  secret,
  shortText,
  text,
  wait,
} from '@sre-toolkit/action';
import { parseColor, parseMentions, webhookUrls } from '@sre-toolkit/discord';
import { parseDeployment, parseFields, parseStartedAt, STATUSES, TEMPLATES } from '@sre-toolkit/notify';

const color = () =>
  rule<number | undefined>((t) => {
    if (!t) return { value: undefined };
    const c = parseColor(t);
    return c === undefined
      ? {
          error: `must be a colour name (red, green, yellow, orange, blue, purple, grey), #rrggbb, or an integer 0-16777215; got ${JSON.stringify(t)}`,
        }
      : { value: c };
  });

const username = () =>
  rule<string>((t) =>
    /discord|clyde/i.test(t)
      ? { error: 'must not contain "discord" or "clyde" (Discord rejects such names)' }
      : t.length > 80
        ? { error: `must be at most 80 characters, got ${t.length}` }
        : { value: t },
  );

const threadId = () =>
  rule<string>((t) => (!t || /^\d{1,25}$/.test(t) ? { value: t } : { error: 'must be a numeric thread id' }));

const messageId = () =>
  rule<string>((t) =>
    !t || /^\d{1,25}$/.test(t)
      ? { value: t }
      : { error: 'must be a numeric Discord message id (the message-id output of an earlier step or job)' },
  );

const threadTags = () =>
  rule<string[]>((t) => {
    const ids = t.split(/[\s,]+/).filter(Boolean);
    const bad = ids.find((id) => !/^\d{1,25}$/.test(id));
    if (bad) return { error: `has ${JSON.stringify(bad)}, which is not a numeric forum tag id` };
    const unique = [...new Set(ids)];
    if (unique.length > 5) return { error: `has ${unique.length} tags; a forum post takes at most 5` };
    return { value: unique };
  });

/** The single source of truth for discord-notify's inputs: names, defaults and rules. */
export const inputs = {
  'webhook-url': input(webhookUrls(), '', { secret: secret.webhookUrls }),
  status: input(choiceIgnoringCase(STATUSES), 'info'),
  template: input(choice(TEMPLATES), 'auto'),
  title: input(text()),
  description: input(text()),
  content: input(text()),
  url: input(optionalUrl()),
  color: input(color()),
  username: input(username()),
  'avatar-url': input(optionalUrl()),
  footer: input(text()),
  fields: input(rule(parseFields)),
  environment: input(text()),
  version: input(text()),
  'started-at': input(rule(parseStartedAt)),
  mention: input(rule(parseMentions)),
  'mention-on': input(choices(STATUSES), 'failure'),
  'notify-on': input(choices(STATUSES), 'success, failure, cancelled, skipped, info'),
  'thread-id': input(threadId()),
  'thread-name': input(shortText(100)),
  'thread-tags': input(threadTags()),
  'message-id': input(messageId()),
  'suppress-notifications': input(bool(), 'false'),
  'dry-run': input(bool(), 'false'),
  'fail-on-error': input(bool(), 'false'),
  'allow-any-host': input(bool(), 'false'),
  timeout: input(wait(), '30s'),
  deployment: input(rule(parseDeployment)),
  'environment-url': input(optionalUrl()),
  'github-token': input(text(), '${{ github.token }}', { secret: secret.value }),
};
