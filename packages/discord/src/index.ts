export * from './deliver';
export * from './markdown';
export * from './message';
export * from './status';
export * from './transport';
export * from './truncate';
export * from './webhook-url';
export * from './post';
