// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export { parseByteSize } from './byte-size';
export { windowLabel } from './digest';
export { alertMessages, digestMessages } from './digest-messages';
export { crashContext, type CrashAlertContext } from './alert-context';
export { collectDigest, publishDigest, trackCrashIssues } from './digest-run';
export { groupShare, isGroupingShare } from './grouping-entry';
export { type CrashIssueStore } from './crash-issues';
export { type CrashGroup } from './groups';
// For crash-intake, which stores, fingerprints and alerts on reports with the digest's own rules.
export { fingerprintCrash, groupTitle } from './fingerprint';
export { type Crash, normalizeReport, TraceCache } from './normalize';
export { scrub } from './scrub';
export { compareVersions, versionLabel } from './versions';
