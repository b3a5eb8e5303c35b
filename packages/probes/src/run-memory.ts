import type { RunContext, Runtime } from '@sre-toolkit/action';
import { createGitHubClient, type GitHubClientOptions } from '@sre-toolkit/github';
import type { MemorySettings } from './alerts';
import { listMaintenanceIssues } from './github-store';
import type { MaintenanceIssue, MaintenanceWindow } from './maintenance';
import { createStateStore, type StateStore } from './state-store';
import type { Target } from './targets';

/** The label of issues that put the targets their body names in maintenance while open. */
export const MAINTENANCE_LABEL = 'maintenance';

/** The inputs memory reads, as the action's schema parses them. */
export interface MemoryInputs {
  readonly issue: boolean;
  readonly 'failure-threshold': number;
  readonly 'success-threshold': number;
  readonly 'remind-every': number;
  readonly 'mention-on-reminder': boolean;
  readonly maintenance: readonly MaintenanceWindow[];
}

export interface RunMemoryWiring {
  readonly memory?: { readonly store: StateStore; readonly settings: MemorySettings };
  readonly maintenance: {
    readonly windows: readonly MaintenanceWindow[];
    readonly issues?: () => Promise<MaintenanceIssue[]>;
  };
}

/**
 * Certificate alert thresholds: `cert-expiry-days`, then 7, 3 and 1 days below it. One alert per
 * threshold crossed, so a certificate is announced a few times on its way out, not every run.
 */
export function certThresholds(certExpiryDays: number): number[] {
  return [...new Set([certExpiryDays, 7, 3, 1])]
    .filter((d) => d > 0 && d <= certExpiryDays)
    .sort((a, b) => b - a);
}

/** The state branch and maintenance sources of a run, as the inputs ask; without a token, none. */
export function memoryFor(
  rt: Runtime,
  ctx: RunContext,
  targets: readonly Target[],
  client: Omit<GitHubClientOptions, 'baseUrl' | 'log'>,
  inputs: MemoryInputs,
): RunMemoryWiring {
  // Read raw: an explicit '' turns these off (the parsed value would be the default again).
  const stateBranch = rt.input('state-branch').trim();
  const remindEvery = rt.input('remind-every').trim() ? inputs['remind-every'] : undefined;
  const windows = inputs.maintenance;
  const canAsk = Boolean(client.token && !client.token.startsWith('${{') && ctx.owner);
  const maintenance = {
    windows,
    ...(canAsk && (stateBranch || inputs.issue)
      ? {
          issues: () =>
            listMaintenanceIssues(
              createGitHubClient({ ...client, baseUrl: ctx.apiUrl, log: (m) => rt.info(m) }),
              {
                owner: ctx.owner,
                repo: ctx.repo,
                label: MAINTENANCE_LABEL,
              },
            ),
        }
      : {}),
  };
  if (!stateBranch) {
    rt.info('state-branch is empty: no memory across runs.');
    return { maintenance };
  }
  if (!canAsk) {
    rt.info(
      `No github-token or repository: no memory across runs (state-branch ${stateBranch} is not read).`,
    );
    return { maintenance };
  }
  const days = new Map(targets.map((t) => [t.name, certThresholds(t.certExpiryDays)]));
  const payload = ctx.payload as { repository?: { default_branch?: unknown } };
  const fallbackBranch =
    typeof payload.repository?.default_branch === 'string'
      ? payload.repository.default_branch
      : ctx.refName || 'main';
  return {
    maintenance,
    memory: {
      store: createStateStore({
        ...client,
        baseUrl: ctx.apiUrl,
        log: (m) => rt.info(m),
        owner: ctx.owner,
        repo: ctx.repo,
        branch: stateBranch,
        fromSha: ctx.sha,
        fallbackBranch,
      }),
      settings: {
        failureThreshold: inputs['failure-threshold'],
        successThreshold: inputs['success-threshold'],
        remindEveryMs: remindEvery,
        mentionOnReminder: inputs['mention-on-reminder'],
        certThresholds: (name) => days.get(name) ?? [],
      },
    },
  };
}
