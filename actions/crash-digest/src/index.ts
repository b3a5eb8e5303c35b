import { actionsRuntime } from '@sre-toolkit/action';
import { run } from './main';

const runtime = actionsRuntime();
run(runtime).catch((error: unknown) => {
  runtime.setFailed(
    `crash-digest failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
  );
});
