export * from './context';
export * from './durations';
export * from './inputs';
export * from './runtime';
export * from './secrets';
export * from './summary';
export * from './untrusted';
