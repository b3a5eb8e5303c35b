import { describe, expect, it } from '@jest/globals';
import { refusedUrl, runAction } from '@sre-toolkit/testkit';
import { embedsOf, envFor, scheduleEvent, seedRuns, useStandIns, workflowRunEvent } from './fixtures';

/** Severity first and a runbook link on every alert type the detector sends, through the bundle. */

const servers = useStandIns();
const RUNBOOK = 'https://github.com/acme/mara/blob/HEAD/docs/INCIDENT_RESPONSE.md';

const scan = (inputs: Record<string, string> = {}) =>
  runAction('repeated-failure-detector', {
    ...scheduleEvent,
    env: envFor(servers.gh),
    inputs: { 'webhook-url': servers.discord.webhookUrl(), ...inputs },
  });
const embeds = () => servers.discord.received.flatMap((m) => embedsOf(m.body));
const head = (e: ReturnType<typeof embeds>[number]) => e.fields?.slice(0, 2);

describe('repeated-failure-detector severity and runbook links', () => {
  it('a streak on the default branch is SEV2 and links to #repeated-failure; its recovery links there too', async () => {
    const { gh, discord } = servers;
    seedRuns(gh, 'frontend-ci', ['success', 'failure', 'failure', 'failure']);
    expect((await scan()).exitCode).toBe(0);
    expect(head(embeds()[0]!)).toEqual([
      { name: 'Severity', value: 'SEV2', inline: true },
      { name: 'Runbook', value: `[Runbook: Repeated failure](${RUNBOOK}#repeated-failure)`, inline: true },
    ]);
    discord.reset();
    seedRuns(gh, 'frontend-ci', ['success'], { endMinutesAgo: 1 });
    await scan();
    expect(embeds().map((e) => e.title)).toEqual(['✅ frontend-ci recovered on main after 3 failures']);
    expect(head(embeds()[0]!)?.[0]).toEqual({
      name: 'Runbook',
      value: `[Runbook: Repeated failure](${RUNBOOK}#repeated-failure)`,
      inline: true,
    });
  });

  it('a failure rate is SEV3; the severity and runbook-url inputs override', async () => {
    const { gh } = servers;
    seedRuns(gh, 'frontend-ci', ['failure', 'success', 'failure', 'success', 'failure', 'success']);
    await scan({ 'failure-rate': '0.5', 'min-runs': '4', threshold: '5' });
    expect(embeds().map((e) => [e.title, head(e)?.[0]?.value])).toEqual([
      ['⚠️ frontend-ci failing 50% of runs on main', 'SEV3'],
    ]);
    servers.discord.reset();
    for (const issue of gh.issues()) issue.state = 'closed';
    await scan({
      'failure-rate': '0.5',
      'min-runs': '4',
      threshold: '5',
      severity: 'sev1',
      'runbook-url': 'https://wiki.example/oncall',
    });
    expect(head(embeds()[0]!)).toEqual([
      { name: 'Severity', value: 'SEV1', inline: true },
      {
        name: 'Runbook',
        value: '[Runbook: Repeated failure](https://wiki.example/oncall#repeated-failure)',
        inline: true,
      },
    ]);
  });

  it('a silent monitor is SEV3 and links to #silent-monitor', async () => {
    const { gh } = servers;
    const wf = gh.addWorkflow({ name: 'health-check', path: 'health-check.yml', state: 'disabled_manually' });
    gh.putFile(wf.path, "on:\n  schedule:\n    - cron: '7,22,37,52 * * * *'\n");
    await scan();
    expect(head(embeds()[0]!)).toEqual([
      { name: 'Severity', value: 'SEV3', inline: true },
      { name: 'Runbook', value: `[Runbook: Silent monitor](${RUNBOOK}#silent-monitor)`, inline: true },
    ]);
  });

  it('the alert sent while GitHub is unreachable carries them too', async () => {
    const { gh } = servers;
    const runs = seedRuns(gh, 'frontend-ci', ['failure']);
    const event = await workflowRunEvent(gh, runs[0]!.id);
    await runAction('repeated-failure-detector', {
      ...event,
      env: envFor(gh, { GITHUB_API_URL: await refusedUrl('') }),
      inputs: { 'webhook-url': servers.discord.webhookUrl(), 'github-timeout': '3s' },
    });
    expect(head(embeds()[0]!)?.map((f) => f.value)).toEqual([
      'SEV2',
      `[Runbook: Repeated failure](${RUNBOOK}#repeated-failure)`,
    ]);
  });

  it('refuses an unknown severity with an error naming the input', async () => {
    const run = await scan({ severity: 'critical' });
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors[0]?.message).toContain('must be one of auto, SEV1, SEV2, SEV3; got "critical"');
    expect(JSON.stringify(errors[0])).toContain('severity');
    expect(errors.map((a) => a.message)[1]).toBe('One input is not valid (see above).');
  });
});
