import type { APIEmbedField } from 'discord-api-types/v10';
import type { RunContext } from '@sre-toolkit/action';
import { escapeMarkdown, safeMarkdown, TONES, type Tone } from '@sre-toolkit/discord';
import { type Status } from './notification';
import { type Payload } from './payload-access';

/** Developer events: pull requests, reviews, issues, releases, pushes, runs, deployments, checks. */

export interface EventView {
  readonly tone: Tone;
  readonly title: string;
  readonly url?: string;
  readonly description?: string;
  readonly fields?: APIEmbedField[];
}

export type Handler = (p: Payload, ctx: RunContext, status: Status) => EventView | undefined;

const BODY_PREVIEW = 600;

/** Untrusted long text (PR and issue bodies, comments, release notes): escaped, one short preview. */
export function preview(text: string | undefined, max = BODY_PREVIEW): string | undefined {
  if (!text) return undefined;
  const clean = text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\r\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (!clean) return undefined;
  const cut = clean.length > max ? `${clean.slice(0, max).replace(/\s+\S*$/, '')} …` : clean;
  return escapeMarkdown(cut);
}

/**
 * A pull request, issue, review, comment or release body: its markdown rendered as a safe subset
 * (headings, lists, code, quotes, links with their real URL shown), shortened at a paragraph.
 */
export function bodyPreview(text: string | undefined, max = BODY_PREVIEW): string | undefined {
  if (!text) return undefined;
  return safeMarkdown(text, max) || undefined;
}

export const esc = (t: string | undefined) => (t ? escapeMarkdown(t) : undefined);
export const words = (action: string | undefined) => (action ?? '').replace(/_/g, ' ');

/** Conclusion or state names (success, failure, timed_out, error, …) mapped onto our tones. */
export function toneOf(conclusion: string | undefined): Tone {
  switch (conclusion) {
    case 'success':
      return 'success';
    case 'failure':
    case 'timed_out':
    case 'startup_failure':
    case 'error':
      return 'failure';
    case 'cancelled':
    case 'stale':
      return 'cancelled';
    case 'skipped':
      return 'skipped';
    case 'action_required':
    case 'neutral':
      return 'warning';
    default:
      return 'info';
  }
}

export function outcomeWord(conclusion: string | undefined): string {
  switch (conclusion) {
    case 'timed_out':
      return 'timed out';
    case 'startup_failure':
      return 'failed to start';
    case 'action_required':
      return 'needs approval';
    case undefined:
    case '':
      return 'finished';
    default:
      return TONES[toneOf(conclusion)].word;
  }
}
