import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { RunContext } from '@sre-toolkit/action';
import type { Tone } from '@sre-toolkit/discord';

export const STATUSES = ['success', 'failure', 'cancelled', 'skipped', 'info'] as const;
export type Status = (typeof STATUSES)[number];
export const TEMPLATES = ['auto', 'ci', 'deploy', 'event', 'plain'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export interface Field {
  readonly name: string;
  readonly value: string;
  readonly inline?: boolean;
}

/** What the workflow author asked for, already validated. */
export interface Notification {
  readonly status: Status;
  readonly template: TemplateName;
  readonly title?: string;
  readonly description?: string;
  readonly url?: string;
  readonly color?: number;
  readonly footer?: string;
  readonly fields: readonly Field[];
  readonly environment?: string;
  readonly version?: string;
  readonly startedAt?: Date;
}

/** What a template produces before the author's overrides are applied. */
export interface Draft {
  readonly tone: Tone;
  readonly title: string;
  readonly url?: string;
  readonly description?: string;
  readonly fields: APIEmbedField[];
  readonly author?: APIEmbed['author'];
  readonly footer?: string;
}

export type Template = (n: Notification, ctx: RunContext, now: Date) => Draft;

export const STATUS_TONE: Record<Status, Tone> = {
  success: 'success',
  failure: 'failure',
  cancelled: 'cancelled',
  skipped: 'skipped',
  info: 'info',
};
