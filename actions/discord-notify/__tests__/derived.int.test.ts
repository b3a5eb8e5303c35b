import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { runAction, startDiscordServer, webhookExamples, type DiscordServer } from '@sre-toolkit/testkit';

// GitHub's own example payloads (@octokit/webhooks-examples), completed ones.
const example = (event: string, match: (p: Record<string, unknown>) => boolean) => {
  const found = webhookExamples().find((e) => e.event === event && match(e.payload));
  if (!found) throw new Error(`no ${event} example`);
  return structuredClone(found.payload) as Record<string, Record<string, unknown>>;
};
const conclusion = (key: string, value: string) => (p: Record<string, unknown>) =>
  (p[key] as Record<string, unknown>).conclusion === value;

let discord: DiscordServer;
beforeAll(async () => {
  discord = await startDiscordServer();
});
afterAll(async () => {
  await discord.close();
});
beforeEach(() => discord.reset());

interface Embed {
  title: string;
  fields?: { name: string; value: string }[];
}
const embedOf = (i = 0) => (discord.received[i]?.body.embeds as Embed[])[0] as Embed;
const fieldsOf = (e: Embed) => Object.fromEntries((e.fields ?? []).map((f) => [f.name, f.value]));

describe('discord-notify reads durations and outcomes from the payload, through the bundle', () => {
  it('workflow_run: Duration from run_started_at to updated_at, and one field per run meaning', async () => {
    const payload = example('workflow_run', conclusion('workflow_run', 'success'));
    // The examples end the second they start; this run took 7m 6s.
    payload.workflow_run!.updated_at = '2020-10-05T16:40:55Z';
    expect(payload.workflow_run!.run_started_at).toBe('2020-10-05T16:33:49Z');
    const run = await runAction('discord-notify', {
      eventName: 'workflow_run',
      event: payload,
      inputs: { 'webhook-url': discord.webhookUrl() },
    });
    expect(run.exitCode).toBe(0);
    const names = (embedOf().fields ?? []).map((f) => f.name);
    expect(fieldsOf(embedOf()).Duration).toBe('7m 6s');
    expect(names.filter((n) => /run/i.test(n))).toEqual(['Triggering run', 'This run']);
    expect(fieldsOf(embedOf())['This run']).toBe(
      '[frontend-ci #42](https://github.com/acme/mara/actions/runs/9100000001)',
    );
  });

  it('workflow_job: Duration from started_at to completed_at', async () => {
    const payload = example('workflow_job', conclusion('workflow_job', 'failure'));
    const run = await runAction('discord-notify', {
      eventName: 'workflow_job',
      event: payload,
      inputs: { 'webhook-url': discord.webhookUrl() },
    });
    expect(run.exitCode).toBe(0);
    // 2021-08-05T10:34:58Z → 2021-08-05T10:38:16Z
    expect(fieldsOf(embedOf()).Duration).toBe('3m 18s');
  });

  it('deployment_status: the state wins over the info default, with the Duration since the deployment was created', async () => {
    const payload = example(
      'deployment_status',
      (p) => (p.deployment_status as { state: string }).state === 'success',
    );
    const withInputs = await runAction('discord-notify', {
      eventName: 'deployment_status',
      event: payload,
      inputs: { 'webhook-url': discord.webhookUrl(), environment: 'production', version: '1.4.2' },
    });
    expect(withInputs.exitCode).toBe(0);
    // 2019-05-15T15:20:53Z → 2019-05-15T15:20:55Z
    expect(embedOf(0).title).toBe('✅ mara 1.4.2 deployed to production in 2s');
    expect(fieldsOf(embedOf(0)).Duration).toBe('2s');

    const plain = await runAction('discord-notify', {
      eventName: 'deployment_status',
      event: payload,
      inputs: { 'webhook-url': discord.webhookUrl() },
    });
    expect(plain.exitCode).toBe(0);
    expect(embedOf(1).title).toBe('✅ Deployment to production succeeded');
    expect(fieldsOf(embedOf(1)).Duration).toBe('2s');
  });

  it('an explicit status still wins over the deployment state', async () => {
    const payload = example(
      'deployment_status',
      (p) => (p.deployment_status as { state: string }).state === 'success',
    );
    await runAction('discord-notify', {
      eventName: 'deployment_status',
      event: payload,
      inputs: { 'webhook-url': discord.webhookUrl(), status: 'failure', environment: 'production' },
    });
    expect(embedOf().title).toBe('❌ Deploy of mara to production failed');
  });

  it('shows text in the job summary as Discord shows it, escaped once for the table', async () => {
    const payload = example('workflow_run', conclusion('workflow_run', 'success'));
    payload.workflow_run!.event = 'workflow_dispatch';
    const run = await runAction('discord-notify', {
      eventName: 'workflow_run',
      event: payload,
      inputs: { 'dry-run': 'true' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('| Event | workflow_dispatch |');
    expect(run.summary).not.toContain('workflow\\_dispatch |');
  });
});
