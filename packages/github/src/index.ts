export * from './client';
export * from './errors';
export * from './incident-issues';
export * from './workflow-runs';
export * from './request-budget';
