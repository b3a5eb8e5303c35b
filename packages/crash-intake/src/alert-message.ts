import { alertFields, oneLine } from '@sre-toolkit/action';
import {
  buildMessage,
  type Embed,
  embedTitle,
  escapeMarkdown,
  inlineCode,
  type Mentions,
  NO_MENTIONS,
  type WebhookMessage,
} from '@sre-toolkit/discord';
import type { AlertLabel } from './config';
import type { AlertItem } from './escalation';

/** What an alert shows of a crash group. */
export interface AlertGroup {
  readonly count: number;
  readonly title: string;
  readonly culprit: string;
  readonly version: string;
  readonly platform: string;
}

export interface AlertMessageOptions {
  readonly mentions?: Mentions;
  readonly alertLabel?: AlertLabel;
}

/**
 * The alert as Discord shows it; every text came from a report and was scrubbed on the way in.
 * `deploy` is the line naming the deploy before it (issue #14), shown right after the severity.
 */
export function alertMessage(
  item: AlertItem,
  groupOf: (fingerprint: string) => AlertGroup | undefined,
  o: AlertMessageOptions,
  deploy?: string,
): WebhookMessage {
  const mentions = o.mentions ?? NO_MENTIONS;
  const lead = [
    ...labelFields(o.alertLabel),
    ...(deploy ? [{ name: 'Deploy before', value: deploy, inline: false }] : []),
  ];
  if (item.kind === 'summary') {
    const lines = item.fingerprints.slice(0, 25).map((fp) => {
      const g = groupOf(fp);
      return `• ${escapeMarkdown(oneLine(g?.title ?? fp).slice(0, 150))} (${g?.count ?? 0}×)`;
    });
    const more = item.fingerprints.length - lines.length;
    const embed: Embed = {
      title: `${item.fingerprints.length} new crash groups in the last minute`,
      description: [...lines, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n'),
      color: 0xd73a49,
      ...(lead.length ? { fields: lead } : {}),
    };
    return buildMessage([embed], { mentions, username: 'crash-intake' });
  }
  const fp = item.fingerprints[0] ?? '';
  const g = groupOf(fp);
  const heading = item.kind === 'new' ? 'New fatal crash' : 'Regressed fatal crash';
  const fields = [
    ...lead,
    { name: 'Culprit', value: g?.culprit ? inlineCode(g.culprit) : 'no in-app frame', inline: false },
    { name: 'App version', value: inlineCode(g?.version ?? 'unknown'), inline: true },
    { name: 'Platform', value: inlineCode(g?.platform ?? 'unknown'), inline: true },
    { name: 'Count so far', value: String(g?.count ?? 0), inline: true },
    { name: 'Fingerprint', value: inlineCode(fp), inline: false },
  ];
  const embed: Embed = {
    title: embedTitle(`${heading}: ${g?.title ?? fp}`),
    color: 0xd73a49,
    fields,
  };
  return buildMessage([embed], { mentions, username: 'crash-intake' });
}

/** Severity first, then the runbook's crash section when the server knows where it is. */
function labelFields(label: AlertLabel | undefined): NonNullable<Embed['fields']> {
  if (!label) return [];
  const fields = alertFields({
    severity: label.severity,
    runbookUrl: label.runbook?.runbookUrl ?? '',
    runbookTitle: label.runbook?.runbookTitle ?? '',
  });
  return label.runbook ? fields : fields.filter((f) => f.name === 'Severity');
}
