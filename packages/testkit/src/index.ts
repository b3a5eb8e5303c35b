// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export {
  CORPUS_BUGS,
  CORPUS_INVALID_LINES,
  DAY,
  HOUR,
  corpusExpectations,
  corpusPersonalData,
  crashCorpusLines,
  realisticCorpusLines,
} from './crash-corpus';
export { sampleCorpusTraces, sampleCrashReport } from './crash-sample';
export {
  DISCORD_DEFAULTS,
  type DiscordServer,
  startDiscordServer,
  validateWebhookBody,
} from './discord-server';
export { type ConnectProxy, INTERCEPTION_CERTIFICATE_FILE, startConnectProxy } from './connect-proxy';
export { type Conclusion, type RunSeed } from './github-model';
export { type GitHubProxy, startGitHubProxy } from './github-proxy';
export { type DeploymentRecord, type RecordedDeployment, recordDeployment } from './github-deployments-seed';
export { seedBusyRepository } from './github-seeds';
export { GITHUB_DEFAULTS, type GitHubServer, startGitHubServer } from './github-server';
export {
  type HealthTargets,
  expiredCertificate,
  hasOpenssl,
  refusedUrl,
  selfSignedCertificate,
  startHealthTargets,
  startProxy,
} from './health-targets';
export { listenOnLoopback } from './loopback';
export {
  type ActionRun,
  REPO_ROOT,
  type RunOptions,
  actionYamlDefaults,
  node24,
  readActionYaml,
  runAction,
  schemaDefaults,
} from './runner';
export { plant, webhookExamples } from './webhook-examples';
