import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseInputs, readRunContext, reportInputErrors, type Runtime } from '@sre-toolkit/action';
import {
  alertMessages,
  CrashGrouper,
  digestMarkdown,
  digestMessages,
  readSources,
  toDigest,
  windowLabel,
} from '@sre-toolkit/crashes';
import { postMessages, type Transport, type WebhookMessage } from '@sre-toolkit/discord';
import { inputs } from './inputs';

export const USER_AGENT = 'sre-toolkit-crash-digest/1.0 (+https://github.com/features/actions)';
const DELIVERY_TIMEOUT_MS = 30_000;

export async function run(rt: Runtime, transport?: Transport): Promise<void> {
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
  const now = rt.now().getTime();
  const grouper = new CrashGrouper({
    appPackages: i['app-package'],
    now,
    windowMs: i.window,
    spikeFactor: i['spike-factor'],
    minEvents: i['min-events'],
  });
  if (!i['app-package'].length) {
    rt.warning(
      'app-package is empty: only file:…/lib/ frames and Sentry in_app frames count as app code, so most crashes group by type and message.',
      'crash-digest: no app-package',
    );
  }

  const read = await readSources(
    {
      patterns: i.source,
      cwd: workspace,
      url: i['source-url'],
      token: i['source-token'],
      userAgent: USER_AGENT,
    },
    (record) => grouper.addText(record),
    { info: (m) => rt.info(m), warning: (m) => rt.warning(m) },
  );
  if ('error' in read) return rt.setFailed(read.error);
  const records = read.records;

  const digest = toDigest(grouper.result(), i.scrub);
  const label = windowLabel(i.window);
  const t = digest.totals;
  rt.info(
    `${records.toLocaleString('en-US')} records: ${t.reports} in the last ${label} in ${t.groups} groups (${t.new} new, ${t.critical} critical), ${t.history} earlier, ${t.rejected} rejected.`,
  );
  if (t.rejected) {
    const reasons = Object.entries(digest.rejected)
      .map(([reason, count]) => `${count} × ${reason}`)
      .join('; ');
    rt.warning(
      `${t.rejected} reports were rejected and not counted: ${reasons}.`,
      'crash-digest: rejected reports',
    );
  }

  const digestFile = resolve(
    workspace,
    i['digest-file'] || join(rt.env.RUNNER_TEMP || workspace, 'crash-digest.json'),
  );
  try {
    mkdirSync(dirname(digestFile), { recursive: true });
    writeFileSync(digestFile, JSON.stringify(digest, null, 2));
  } catch (error) {
    return rt.setFailed(
      `digest-file ${digestFile} could not be written: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  rt.info(`Digest written to ${digestFile}.`);

  const view = {
    where: i['app-package'][0] || ctx.repository || 'the app',
    url: ctx.runUrl,
    top: i.top,
    windowLabel: label,
  };
  const report = digestMarkdown(digest, view);
  rt.setOutput('total', String(t.reports));
  rt.setOutput('groups', String(t.groups));
  rt.setOutput('new', String(t.new));
  rt.setOutput('critical', String(t.critical));
  rt.setOutput('digest', JSON.stringify(digest.groups.slice(0, i.top)));
  rt.setOutput('report', report);
  rt.appendSummary(report);

  const digestMsgs = digestMessages(digest, view);
  const alertMsgs = alertMessages(digest, view, i.mention);
  if (i['dry-run']) {
    rt.info(`Dry run: the digest would be ${describe(digestMsgs)}:\n${JSON.stringify(digestMsgs, null, 2)}`);
    if (alertMsgs.length)
      rt.info(`Dry run: the alert would be ${describe(alertMsgs)}:\n${JSON.stringify(alertMsgs, null, 2)}`);
    return;
  }
  const options = {
    timeoutMs: DELIVERY_TIMEOUT_MS,
    failOnError: i['fail-on-error'],
    userAgent: USER_AGENT,
    ...(transport ? { transport } : {}),
  };
  if (i['webhook-url'].length) {
    await postMessages(rt, i['webhook-url'], digestMsgs, { ...options, what: 'crash digest' });
  } else rt.info('No webhook-url: the digest goes to the outputs, the summary and the digest file only.');
  if (alertMsgs.length) {
    if (i['alerts-webhook-url'].length) {
      await postMessages(rt, i['alerts-webhook-url'], alertMsgs, { ...options, what: 'crash alert' });
    } else rt.info(`${t.critical} critical groups, but no alerts-webhook-url to send them to.`);
  }
}

function describe(messages: readonly WebhookMessage[]): string {
  return messages.length === 1 ? 'one message' : `${messages.length} messages`;
}
