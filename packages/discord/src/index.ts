// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.
export {
  commitLine,
  embedTitle,
  escapeMarkdown,
  firstLine,
  inlineCode,
  maskedLink,
  neutralizeMentions,
} from './markdown';
export {
  type Embed,
  type Mentions,
  NO_MENTIONS,
  type WebhookMessage,
  buildMessage,
  buildMessages,
  buildSplitMessage,
  fitNotes,
  parseMentions,
} from './message';
export { deliverySummary, postMessages, previewMessages, sendMessages, webhookUrls } from './post';
export { safeMarkdown } from './safe-markdown';
export { snowflakeTime } from './snowflake';
export { TONES, type Tone, parseColor } from './status';
export { type HttpRequest, type Transport } from './transport';
export { FOREIGN_HOST_RULE, type Webhook } from './webhook-url';
// For long-running senders (crash-intake) that deliver without an action runtime.
export { type DeliveryResult, deliverAll } from './deliver';
export { nodeTransport } from './transport';
export { parseWebhookUrl } from './webhook-url';
