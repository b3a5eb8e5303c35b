// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export { parseByteSize } from './byte-size';
export { windowLabel } from './digest';
export { alertMessages, digestMessages } from './digest-messages';
export { collectDigest, publishDigest, trackCrashIssues } from './digest-run';
export { type CrashIssueStore } from './crash-issues';
export { type CrashGroup } from './groups';
