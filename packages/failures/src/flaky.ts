import type { RunInfo } from '@sre-toolkit/github';
import type { ScanResult } from './scan';

/** A run that succeeded on a re-run after an earlier attempt failed: a flake on that commit. */
export interface Flake {
  readonly workflow: string;
  readonly branch: string | null;
  readonly run_id: number;
  readonly run_url: string;
  readonly attempt: number;
  readonly failed_attempt: number;
  readonly failed_conclusion: string;
  readonly head_sha: string;
  readonly title: string;
  readonly created_at: string;
}

/** Runs worth checking for a flake: re-run (attempt > 1) and finally successful. Newest first. */
export function flakeCandidates(runs: readonly RunInfo[]): RunInfo[] {
  return runs.filter((r) => r.runAttempt > 1 && r.conclusion === 'success');
}

/** A flake, when the attempt before the successful one failed (a cancelled one is not a flake). */
export function flakeOf(run: RunInfo, previous: RunInfo, failing: ReadonlySet<string>): Flake | undefined {
  if (previous.conclusion === null || !failing.has(previous.conclusion)) return undefined;
  return {
    workflow: run.workflowName,
    branch: run.branch,
    run_id: run.id,
    run_url: run.url,
    attempt: run.runAttempt,
    failed_attempt: previous.runAttempt,
    failed_conclusion: previous.conclusion,
    head_sha: run.headSha,
    title: run.title,
    created_at: run.createdAt,
  };
}

/** Every flaky re-run of a scan, named by its workflow (the `flaky` output and the summary). */
export function flakeOutputs(scan: ScanResult): Flake[] {
  return scan.targets.flatMap((t) =>
    t.flakes.map((f) => ({ ...f, workflow: f.workflow || t.workflow.name })),
  );
}
