export * from './discord-server';
export * from './runner';
export * from './github-server';
export * from './webhook-examples';
export * from './health-targets';
export * from './github-seeds';
export * from './loopback';
export * from './github-proxy';
