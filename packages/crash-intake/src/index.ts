// The package's public surface: the request handler for node:http (and so Express, Fastify, Koa)
// and its store interface. The standalone server is src/server.ts, bundled to dist/server.js.
export { type CrashIntake, type CrashIntakeOptions, BODY_LIMIT, createCrashIntake } from './intake';
export { type ConfigResult, type ServerConfig, readConfig } from './config';
export { type CrashStore, type ExportFilter, NdjsonSegmentStore } from './store';
export { MAX_BATCH } from './accept';
