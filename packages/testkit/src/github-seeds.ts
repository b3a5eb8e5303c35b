import type { Conclusion } from './github-model';
import type { GitHubServer } from './github-server';

export interface BusyRepository {
  /** Workflows with a streak of `threshold` or more failures on the default branch. */
  readonly failing: string[];
  /** Workflows with a flaky re-run (success after a failed attempt). */
  readonly flaky: string[];
  readonly workflows: string[];
}

/**
 * A repository with `count` workflows and a few weeks of history on `main` and a feature branch:
 * mostly green, occasional failures and cancellations, two failing streaks and two flaky re-runs.
 * Deterministic, so benchmarks and budget tests see the same data every time.
 */
export function seedBusyRepository(
  gh: GitHubServer,
  options: { count?: number; runsPerWorkflow?: number; now?: number } = {},
): BusyRepository {
  const count = options.count ?? 20;
  const perWorkflow = options.runsPerWorkflow ?? 30;
  const now = options.now ?? Date.now();
  const workflows: string[] = [];
  const failing: string[] = [];
  const flaky: string[] = [];
  for (let w = 0; w < count; w++) {
    const name = `service-${String(w + 1).padStart(2, '0')} ci`;
    gh.addWorkflow({ name, path: `service-${w + 1}.yml` });
    workflows.push(name);
    const streak = w === 2 ? 4 : w === 7 ? 3 : 0;
    if (streak) failing.push(name);
    for (let i = 0; i < perWorkflow; i++) {
      const age = perWorkflow - i; // oldest first
      const createdAt = new Date(now - age * 3 * 3_600_000 - w * 60_000);
      const inStreak = i >= perWorkflow - streak;
      const conclusion: Conclusion = inStreak
        ? 'failure'
        : i === perWorkflow - streak - 1
          ? 'success'
          : (i * 7 + w) % 11 === 0
            ? 'failure'
            : (i * 5 + w) % 13 === 0
              ? 'cancelled'
              : 'success';
      const rerun = !inStreak && (w === 11 || w === 15) && i === perWorkflow - 3;
      if (rerun) flaky.push(name);
      gh.addRun({
        workflow: name,
        conclusion: rerun ? 'success' : conclusion,
        createdAt,
        ...(rerun ? { previousAttempts: ['failure' as const] } : {}),
        jobs: [{ name: 'build' }, { name: 'test', steps: ['Checkout', 'Install', 'Run tests'] }],
      });
      if (i % 4 === 0)
        gh.addRun({ workflow: name, branch: `feature/${w}-${i}`, conclusion: 'failure', createdAt });
    }
  }
  return { failing, flaky, workflows };
}
