// `pnpm intake`: the bundled server with a data folder under the project, for trying it out.
// A throwaway export token is made up (and printed) unless CRASH_EXPORT_TOKEN is set.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = { ...process.env };
env.CRASH_DATA_DIR ||= join(here, '..', '.crash-data');
env.HOST ||= '127.0.0.1';
if (!env.CRASH_EXPORT_TOKEN) {
  env.CRASH_EXPORT_TOKEN = randomBytes(16).toString('hex');
  console.log(`CRASH_EXPORT_TOKEN for this session: ${env.CRASH_EXPORT_TOKEN}`);
}
const child = spawn(process.execPath, [join(here, '..', 'dist', 'server.js')], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
