export * from './discord-server';
export * from './runner';
export * from './github-model';
export * from './github-server';
export { sha } from './github-store';
export * from './webhook-examples';
export * from './health-targets';
export * from './github-seeds';
export * from './loopback';
