import { join, resolve } from 'node:path';
import { parseInputs, readRunContext, reportInputErrors, type Runtime } from '@sre-toolkit/action';
import {
  alertMessages,
  collectDigest,
  crashContext,
  digestMessages,
  publishDigest,
  trackCrashIssues,
  windowLabel,
  type CrashIssueStore,
} from '@sre-toolkit/crashes';
import { sendMessages, type Transport } from '@sre-toolkit/discord';
import { groupingOf, inputs, sourcesOf } from './inputs';

export const USER_AGENT = 'sre-toolkit-crash-digest/1.0 (+https://github.com/features/actions)';

export async function run(
  rt: Runtime,
  transport?: Transport,
  seams: { store?: CrashIssueStore; script?: string } = {},
): Promise<void> {
  const parsed = parseInputs(inputs, rt);
  if (!parsed.ok) return reportInputErrors(rt, parsed.errors);
  const i = parsed.value;
  if (!i.source.length && !i['source-url']) {
    return reportInputErrors(rt, [
      { input: 'source', message: 'or source-url is required: give crash export files (globs) or a URL' },
    ]);
  }
  const ctx = readRunContext(rt.env);
  const workspace = rt.env.GITHUB_WORKSPACE || process.cwd();

  const collected = await collectDigest(rt, {
    sources: sourcesOf(i, workspace, USER_AGENT),
    grouping: groupingOf(i, rt.now().getTime()),
    timeoutMs: i['source-timeout'],
    maxBytes: i['source-max-bytes'],
    scrub: i.scrub,
    ...(seams.script ? { script: seams.script } : {}),
  });
  if ('error' in collected) return rt.setFailed(collected.error);
  const { partial } = collected;
  const digest = i.issues
    ? await trackCrashIssues(rt, ctx, collected.digest, {
        github: { token: i['github-token'], userAgent: USER_AGENT, budgetMs: i['github-timeout'] },
        windowLabel: windowLabel(i.window),
        readOnly: i['dry-run'],
        ...(seams.store ? { store: seams.store } : {}),
      })
    : collected.digest;
  const view = {
    where: i['app-package'][0] || ctx.repository || 'the app',
    url: ctx.runUrl,
    top: i.top,
    windowLabel: windowLabel(i.window),
    ...(partial ? { partial } : {}),
  };
  const file = resolve(
    workspace,
    i['digest-file'] || join(rt.env.RUNNER_TEMP || workspace, 'crash-digest.json'),
  );
  const unwritten = publishDigest(rt, digest, view, file);
  if (unwritten) return rt.setFailed(unwritten);

  const delivery = {
    timeoutMs: i['discord-timeout'],
    failOnError: i['fail-on-error'],
    userAgent: USER_AGENT,
    dryRun: i['dry-run'],
    ...(transport ? { transport } : {}),
  };
  const context = await crashContext(rt, ctx, digest, i, { userAgent: USER_AGENT, budgetMs: 60_000 });
  const alert = alertMessages(digest, view, i.mention, context);
  await sendMessages(rt, i['webhook-url'], digestMessages(digest, view), {
    ...delivery,
    what: 'crash digest',
  });
  await sendMessages(rt, i['alerts-webhook-url'], alert, { ...delivery, what: 'crash alert' });
}
