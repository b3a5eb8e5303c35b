import * as http from 'node:http';
import { readConfig } from './config';
import { createCrashIntake } from './intake';

/**
 * The standalone intake: `node packages/crash-intake/dist/server.js`, configured by environment.
 * Node's own timeouts cut off slow clients (headers and whole request); SIGTERM stops taking
 * requests, finishes writes and alert deliveries (bounded) and exits 0.
 */
async function main(): Promise<void> {
  const read = readConfig(process.env);
  if ('errors' in read) {
    for (const e of read.errors) process.stderr.write(`::error title=crash-intake::${e}\n`);
    process.stderr.write('crash-intake did not start: fix the settings above.\n');
    process.exit(1);
  }
  const c = read.config;
  const intake = await createCrashIntake({
    dataDir: c.dataDir,
    exportToken: c.exportToken,
    ...(c.ingestKey ? { ingestKey: c.ingestKey } : {}),
    appPackages: c.appPackages,
    ...(c.webhook ? { webhook: c.webhook } : {}),
    ...(c.mentions ? { mentions: c.mentions } : {}),
    retentionDays: c.retentionDays,
    rateLimit: c.rateLimit,
    cooldownMs: c.cooldownMs,
    trustProxy: c.trustProxy,
    alertLabel: c.alertLabel,
    ...(c.deploy ? { deploy: c.deploy } : {}),
  });
  const server = http.createServer(
    {
      requestTimeout: c.requestTimeoutMs,
      headersTimeout: Math.min(10_000, c.requestTimeoutMs),
      keepAliveTimeout: 5_000,
      // How often Node checks the two timeouts above (default 30 s, too coarse for a slow client).
      connectionsCheckingInterval: Math.min(1_000, c.requestTimeoutMs),
    },
    intake,
  );
  server.maxConnections = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(c.port, c.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : c.port;
  process.stdout.write(
    `crash-intake listening on http://${c.host}:${port} (data in ${c.dataDir}; alerts ${c.webhook ? `to webhook ${c.webhook.label}` : 'off'}${c.deploy ? `; deploy context from ${c.deploy.owner}/${c.deploy.repo} ${c.deploy.environment}` : ''})\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`crash-intake: ${signal}, finishing in-flight requests and alerts.\n`);
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      intake.close(5_000).then(
        () => {
          process.stdout.write('crash-intake stopped.\n');
          process.exit(0);
        },
        (error: Error) => {
          process.stderr.write(`crash-intake: error while stopping: ${error.message}\n`);
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`::error title=crash-intake::could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
