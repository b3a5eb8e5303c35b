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

/** `--event <name> [--payload file.json] [--input key=value …]` */
export function parsePreviewArgs(argv: readonly string[]): PreviewRequest | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        event: { type: 'string' },
        payload: { type: 'string' },
        input: { type: 'string', multiple: true },
      },
      allowPositionals: false,
    });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const { event, payload, input = [] } = parsed.values;
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
