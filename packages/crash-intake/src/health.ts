import { oneLine } from '@sre-toolkit/action';
import type { DeployContext } from './deploy-context';
import type { IntakeContext } from './routes';

export type HealthStatus = 'pass' | 'warn' | 'fail';

/**
 * `/health` as application/health+json (draft-inadvisable-health-check): the data folder
 * (writable, last write, free space), the alert queue and Discord delivery.
 */
export async function healthReport(
  // `deploys`: the deploy lookup, when GITHUB_TOKEN is set (the intake's context carries it).
  c: Pick<IntakeContext, 'store' | 'escalation' | 'now' | 'alertsOn'> & { readonly deploys?: DeployContext },
): Promise<{ status: HealthStatus; body: Record<string, unknown> }> {
  const { store, escalation, now } = c;
  const options = { webhook: c.alertsOn };
  const disk = await store.check();
  const writeError = store.lastError();
  const alerts = escalation.status();
  const dataStatus: HealthStatus = !disk.writable || writeError ? 'fail' : 'pass';
  const freeStatus: HealthStatus =
    disk.freeBytes === undefined
      ? 'warn'
      : disk.freeBytes < 100 * 2 ** 20
        ? 'fail'
        : disk.freeBytes < 2 ** 30
          ? 'warn'
          : 'pass';
  const queueStatus: HealthStatus = (alerts.oldestPendingMs ?? 0) > 5 * 60_000 ? 'warn' : 'pass';
  const discordStatus: HealthStatus = alerts.lastError ? 'warn' : 'pass';
  const deploys = c.deploys?.check();
  const statuses = [dataStatus, freeStatus, queueStatus, discordStatus, deploys?.status ?? 'pass'];
  const status: HealthStatus = statuses.includes('fail')
    ? 'fail'
    : statuses.includes('warn')
      ? 'warn'
      : 'pass';
  const time = new Date(now()).toISOString();
  const body = {
    status,
    description: 'crash-intake',
    checks: {
      'data:writable': [
        {
          status: dataStatus,
          time,
          ...(writeError ? { output: `last write failed: ${writeError.code ?? writeError.message}` } : {}),
          ...(disk.error ? { output: `data folder not writable: ${disk.error}` } : {}),
        },
      ],
      'data:free-space': [
        { status: freeStatus, time, observedValue: disk.freeBytes ?? null, observedUnit: 'bytes' },
      ],
      'alerts:pending': [
        { status: queueStatus, time, observedValue: alerts.pending, observedUnit: 'alerts' },
      ],
      'alerts:oldest-pending': [
        {
          status: queueStatus,
          time,
          observedValue: alerts.oldestPendingMs === undefined ? 0 : Math.round(alerts.oldestPendingMs / 1000),
          observedUnit: 's',
        },
      ],
      'discord:delivery': [
        {
          status: discordStatus,
          time,
          ...(alerts.lastError ? { output: oneLine(alerts.lastError) } : {}),
          ...(options.webhook ? {} : { output: 'no DISCORD_WEBHOOK_ALERTS: alerts are off' }),
        },
      ],
      // Deploy context is extra: a failing lookup warns, the alerts still go out without it.
      ...(deploys ? { 'github:deployments': [{ time, ...deploys }] } : {}),
    },
  };
  return { status, body };
}
