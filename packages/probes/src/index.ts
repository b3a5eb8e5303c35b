// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export { type IncidentStore } from './alerts';
export { incidentStoreFor } from './github-store';
export { alertMessages, checkHealth, downMessage, loadTargets, reportHealth } from './health-check';
export { type Attempt, type AttemptOutcome } from './http-attempt';
export { targetsTextSecrets } from './masking';
export { loadYamlFor } from './targets';
export { parseMaintenance, type MaintenanceIssue, type MaintenanceWindow } from './maintenance';
export { type StateStore, createStateStore, STATE_FILE } from './state-store';
export { listMaintenanceIssues } from './github-store';
export { certThresholds, memoryFor, MAINTENANCE_LABEL } from './run-memory';
export { writeStatusPage } from './status-page';
export { contextFor, probeContext, type ProbeContext, type ProbeContextOptions } from './alert-context';
