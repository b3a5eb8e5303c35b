// `pnpm demo`: every action's committed bundle through realistic scenarios against loopback
// stand-ins, and demo-out/index.html showing the messages as Discord would.
import { join } from 'node:path';
import { allScenarios, runDemo } from '@sre-toolkit/preview';
import { REPO_ROOT } from '@sre-toolkit/testkit';
import { intakeScenarios } from './demo-intake';

const started = Date.now();
console.log('SRE toolkit demo: loopback stand-ins only, no network, no tokens.\n');
const result = await runDemo({
  scenarios: [...allScenarios(), ...intakeScenarios],
  outDir: join(REPO_ROOT, 'demo-out'),
  log: (l) => console.log(l),
});
const failed = result.runs.filter((r) => !r.ok);
console.log(
  `\n${result.runs.length - failed.length} of ${result.runs.length} scenarios as expected in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
);
console.log(
  `Messages: ${Object.entries(result.messages)
    .map(([c, n]) => `#${c} ${n}`)
    .join(', ')}`,
);
console.log(`Open ${result.file}`);
process.exit(failed.length ? 1 : 0);
