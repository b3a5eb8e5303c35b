// `pnpm preview --event <name> [--payload file.json] [--input key=value …]`: the message
// discord-notify would send for one event, rendered into demo-out/preview.html.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePreviewArgs, PREVIEW_USAGE, previewEvent } from '@sre-toolkit/preview';
import { REPO_ROOT } from '@sre-toolkit/testkit';

const req = parsePreviewArgs(process.argv.slice(2).filter((a) => a !== '--'));
if ('help' in req) {
  console.log(PREVIEW_USAGE);
  process.exit(0);
}
if ('error' in req) {
  console.error(`preview: ${req.error}\n\n${PREVIEW_USAGE}`);
  process.exit(2);
}
const result = await previewEvent(req);
const dir = join(REPO_ROOT, 'demo-out');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'preview.html');
writeFileSync(file, result.html);
if (result.exitCode !== 0) console.error(result.log);
console.log(
  result.payload ? JSON.stringify(JSON.parse(result.payload), null, 2) : '(no message: see the log above)',
);
console.log(`\nOpen ${file}`);
process.exit(result.exitCode);
