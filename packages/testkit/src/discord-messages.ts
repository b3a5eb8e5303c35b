/** The Discord stand-in's saved messages: what an edit may change, and reading a request body. */

type Json = Record<string, unknown>;

/** A message the stand-in saved: the webhook and thread it belongs to, and its current body. */
export interface SavedMessage {
  readonly webhookId: string;
  readonly threadId: string;
  body: Json;
}

export type Rejection = { status: number; payload: Json };

/** What a message keeps: thread_name and applied_tags were instructions for creating it. */
export function keptBody(body: Json): Json {
  return Object.fromEntries(
    Object.entries(body).filter(([k]) => !['thread_name', 'applied_tags'].includes(k)),
  );
}

/**
 * `PATCH …/messages/{id}`: Discord finds a thread's message only with its thread_id; fields left out
 * keep their value, null clears one; what only a new message can carry is refused.
 */
export function editedBody(
  message: SavedMessage | undefined,
  webhookId: string,
  threadId: string,
  body: Json,
  validate: (next: Json) => Rejection | null,
): { next: Json } | Rejection {
  if (!message || message.webhookId !== webhookId || message.threadId !== threadId)
    return { status: 404, payload: { message: 'Unknown Message', code: 10008 } };
  for (const key of ['username', 'avatar_url', 'thread_name', 'applied_tags', 'tts'])
    if (key in body) return { status: 400, payload: { message: `${key} cannot be edited`, code: 50035 } };
  const next: Json = { ...message.body };
  for (const [key, value] of Object.entries(body)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return validate(next) ?? { next };
}

/** The JSON object a request carries, or Discord's answer to a body it cannot read. */
export function readBody(raw: Buffer, contentType: string | undefined): { body: Json } | Rejection {
  if (raw.length > 8 * 1024 * 1024)
    return { status: 413, payload: { message: 'Request entity too large', code: 40005 } };
  if (!/application\/json/.test(contentType ?? ''))
    return { status: 400, payload: { message: 'Cannot send an empty message', code: 50006 } };
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { status: 400, payload: { message: 'The request body contains invalid JSON.', code: 50109 } };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { status: 400, payload: { message: 'Invalid Form Body', code: 50035 } };
  return { body: body as Json };
}
