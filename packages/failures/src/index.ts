export * from './decide';
export * from './flaky';
export * from './incidents';
export * from './messages';
export * from './rate';
export * from './report';
export * from './scan';
export * from './streaks';
