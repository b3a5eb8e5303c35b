import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runAction, webhookExamples } from '@sre-toolkit/testkit';
import type { ShownMessage } from './discord-html';
import { renderPage } from './page';

export interface PreviewRequest {
  readonly event: string;
  readonly payload?: Record<string, unknown>;
  readonly inputs: Record<string, string>;
}

export const PREVIEW_USAGE = `usage: pnpm preview --event <name> [--payload file.json] [--input key=value …]

Renders the message discord-notify would send for a GitHub event into demo-out/preview.html,
from GitHub's example payload for the event (or yours, with --payload).

  --event <name>        the event, as GitHub names it: pull_request, push, workflow_run, …
  --payload <file>      a JSON event payload to use instead of GitHub's example
  --input <key=value>   a discord-notify input (repeatable), e.g. --input status=failure
  --help                this text`;

/** Events a workflow runs on that are no webhooks (no example exists): previewed with a bare payload. */
const PAYLOADLESS_EVENTS = new Set(['schedule', 'workflow_call']);

/** The events GitHub publishes example payloads for, sorted. */
export function exampleEvents(): string[] {
  return [...new Set(webhookExamples().map((e) => e.event))].sort();
}

/**
 * Events whose names are close to `name`: same words in another spelling (pull-request,
 * PullRequest), a prefix, or a small edit distance. For "no example for X; did you mean …".
 */
export function closeEvents(name: string, events: readonly string[] = exampleEvents()): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const n = norm(name);
  const scored = events
    .map((e) => ({
      e,
      d: norm(e) === n ? 0 : norm(e).startsWith(n) || n.startsWith(norm(e)) ? 1 : editDistance(norm(e), n),
    }))
    .filter((x) => x.d <= Math.max(2, Math.floor(n.length / 4)))
    .sort((a, b) => a.d - b.d || a.e.localeCompare(b.e));
  return scored.slice(0, 5).map((x) => x.e);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 10) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length] ?? 99;
}

/** `--event <name> [--payload file.json] [--input key=value …]`, or `--help`. */
export function parsePreviewArgs(
  argv: readonly string[],
): PreviewRequest | { help: true } | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        event: { type: 'string' },
        payload: { type: 'string' },
        input: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const { event, payload, input = [], help } = parsed.values;
  if (help) return { help: true };
  if (!event) return { error: 'missing --event <name> (for example --event pull_request)' };
  const inputs: Record<string, string> = {};
  for (const pair of input) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { error: `--input ${pair}: expected key=value` };
    inputs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  let body: Record<string, unknown> | undefined;
  if (payload) {
    try {
      body = JSON.parse(readFileSync(payload, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      return { error: `--payload ${payload}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  if (!body && !exampleEvents().includes(event) && !PAYLOADLESS_EVENTS.has(event)) {
    const close = closeEvents(event);
    return {
      error: `GitHub has no example payload for the event "${event}"${
        close.length ? `; did you mean ${close.join(', ')}?` : ''
      } (or pass your own with --payload file.json)`,
    };
  }
  return { event, inputs, ...(body ? { payload: body } : {}) };
}

/**
 * Renders the message discord-notify would send for one event: the committed bundle in dry-run,
 * with GitHub's example payload for the event unless one is given.
 */
export async function previewEvent(
  req: PreviewRequest,
): Promise<{ html: string; payload: string; exitCode: number; log: string }> {
  const examples = webhookExamples().filter((e) => e.event === req.event);
  const payload = req.payload ?? examples[0]?.payload ?? {};
  const run = await runAction('discord-notify', {
    eventName: req.event,
    event: payload,
    inputs: { ...req.inputs, 'dry-run': 'true', 'webhook-url': '' },
  });
  const body = run.outputs.payload ? (JSON.parse(run.outputs.payload) as ShownMessage['body']) : undefined;
  const html = renderPage({
    title: `discord-notify preview: ${req.event}`,
    subtitle: `${req.payload ? 'Your payload' : examples.length ? "GitHub's example payload" : 'An empty payload'}; inputs: ${
      Object.entries(req.inputs)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'defaults'
    }.`,
    channels: [
      { name: 'preview', messages: body ? [{ body, webhookName: 'discord-notify', at: new Date() }] : [] },
    ],
    runs: [
      {
        title: `Dry run for ${req.event}`,
        action: 'discord-notify',
        exitCode: run.exitCode,
        summary: run.summary,
      },
    ],
  });
  return { html, payload: run.outputs.payload ?? '', exitCode: run.exitCode, log: run.log };
}
