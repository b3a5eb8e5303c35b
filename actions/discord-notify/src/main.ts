import { cell, parseInputs, readRunContext, reportInputErrors, type Runtime } from '@sre-toolkit/action';
import { deliverySummary, postMessages, previewMessages, type Transport } from '@sre-toolkit/discord';
import {
  compose,
  deploymentProblems,
  inputProblems,
  notifyRequest,
  recordDeployment,
  targetWebhooks,
} from '@sre-toolkit/notify';
import { inputs } from './inputs';

export const USER_AGENT = 'sre-toolkit-discord-notify/1.0 (+https://github.com/features/actions)';

export async function run(rt: Runtime, transport?: Transport): Promise<void> {
  const parsed = parseInputs(inputs, rt);
  if (!parsed.ok) return reportInputErrors(rt, parsed.errors);
  const i = parsed.value;
  const problems = [...inputProblems(i), ...deploymentProblems(i)];
  if (problems.length) return reportInputErrors(rt, problems);

  const ctx = readRunContext(rt.env);
  const composed = compose(notifyRequest(i), ctx, rt.now());
  // The GitHub deployment (input deployment) is recorded beside the message, never delaying it.
  const recorded = i['dry-run'] ? undefined : recordDeployment(rt, i, ctx, USER_AGENT);
  if ('skip' in composed) {
    rt.info(composed.skip);
    rt.setOutput('sent', 'false');
    rt.setOutput('payload', '');
    rt.setOutput('message-ids', '');
    rt.setOutput('message-id', '');
    return recorded;
  }
  rt.setOutput('payload', JSON.stringify(composed.message));
  if (composed.notes.length) {
    const text = `The message did not fit Discord's limits: ${composed.notes.join('; ')}.`;
    rt.warning(text, 'Discord message shortened');
    rt.appendSummary(`> [!WARNING]\n> ${cell(text)}\n`);
  }
  if (i['dry-run']) {
    previewMessages(rt, composed.messages, 'message', `dry run, ${composed.template} template`);
    rt.setOutput('sent', 'false');
    rt.setOutput('message-ids', '');
    rt.setOutput('message-id', '');
    return;
  }
  const outcome = await postMessages(rt, targetWebhooks(i), composed.messages, {
    timeoutMs: i.timeout,
    failOnError: i['fail-on-error'],
    userAgent: USER_AGENT,
    what: 'notification',
    allowAnyHost: i['allow-any-host'],
    ...(i['message-id'] ? { editMessageId: i['message-id'] } : {}),
    ...(transport ? { transport } : {}),
  });
  rt.setOutput('sent', String(outcome.sent));
  rt.setOutput('message-ids', outcome.messageIds.join(','));
  rt.setOutput('message-id', outcome.messageIds[0] ?? '');
  rt.appendSummary(deliverySummary(composed.message, outcome.results));
  await recorded;
}
