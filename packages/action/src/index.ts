// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export {
  type AlertContext,
  type AlertType,
  type Severity,
  RUNBOOK_SECTIONS,
  SEVERITIES,
  alertContext,
  alertFields,
  defaultRunbookUrl,
  defaultSeverity,
  recoveryFields,
  runbookUrlRule,
  severityRule,
} from './alert-context';
export { type RunContext, readRunContext } from './context';
export { formatCount } from './counts';
export { formatDuration, parseDuration } from './durations';
export {
  type InputError,
  type InputValues,
  bool,
  choice,
  choiceIgnoringCase,
  choices,
  duration,
  input,
  integer,
  number,
  optionalUrl,
  parseInputs,
  rule,
  shortText,
  splitList,
  text,
  wait,
} from './inputs';
export { type Runtime, actionsRuntime, reportInputErrors } from './runtime';
export { MASK, type SecretRule, WEBHOOK_PATH, headerSecrets, maskUrl, secret, urlSecrets } from './secrets';
export { type Cell, cell, link, table } from './summary';
export { cleanText, oneLine } from './untrusted';
