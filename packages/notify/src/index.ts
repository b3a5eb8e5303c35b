// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export { parseFields, parseStartedAt } from './author-inputs';
export { compose } from './compose';
export { deploymentProblems, parseDeployment, recordDeployment } from './deployment';
export { STATUSES, TEMPLATES } from './notification';
export { inputProblems, notifyRequest, targetWebhooks, type NotifyInputs } from './notify-inputs';
