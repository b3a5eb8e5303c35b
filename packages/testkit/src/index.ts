export * from './discord-server';
export * from './runner';
