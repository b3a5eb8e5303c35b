// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export { type GitHubClient, type GitHubClientOptions, createGitHubClient } from './client';
export {
  type DeployFormat,
  type DeployInfo,
  type DeployLookup,
  type DeployLookupOptions,
  deployLookup,
  deploySentence,
  deployedVersion,
} from './deployments';
export {
  type NetworkFailure,
  describeGitHubError,
  explainedGitHubRequest,
  networkFailure,
  statusOf,
} from './errors';
export {
  type IncidentIssue,
  closeIncidentIssue,
  listIncidentIssues,
  openIncidentIssue,
  updateIncidentIssue,
} from './incident-issues';
export { GitHubTimeoutError, isTimeoutError } from './request-budget';
export {
  type ApiWorkflow,
  type FailedStep,
  type ListRunsOptions,
  type RunInfo,
  failedSteps,
  getRunAttempt,
  listCompletedRuns,
  listWorkflows,
  toRunInfo,
} from './workflow-runs';
