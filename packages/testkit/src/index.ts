export * from './discord-server';
export * from './runner';
export * from './webhook-examples';
