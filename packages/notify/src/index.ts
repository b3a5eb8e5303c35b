export * from './events';
export * from './notification';
export * from './payload-access';
export * from './templates';
export * from './author-inputs';
export * from './compose';
