/**
 * A string every fixture of the test kit carries in its data. A repository test fails if it appears
 * in a production bundle, so test data that reaches an action's dist/ is caught in CI.
 */
export const FIXTURE_MARKER = 'sre-toolkit-fixture';
