import { resolve } from 'node:path';
import { actionsRuntime } from '@sre-toolkit/action';
import { groupShare, isGroupingShare } from '@sre-toolkit/crashes';
import { run } from './main';

if (isGroupingShare()) {
  // A worker thread this bundle started to group one share of a large export (grouping-parts.ts).
  void groupShare();
} else {
  const runtime = actionsRuntime();
  run(runtime, undefined, { script: resolve(process.argv[1] ?? '') }).catch((error: unknown) => {
    runtime.setFailed(
      `crash-digest failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
}
