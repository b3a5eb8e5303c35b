// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export { runDemo } from './demo';
export { closeEvents, parsePreviewArgs, PREVIEW_USAGE, previewEvent } from './preview';
export { allScenarios } from './scenarios';
