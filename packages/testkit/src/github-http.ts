import type * as http from 'node:http';
import type { RequestRecord } from './github-model';
import type { JsonObject } from './github-objects';
import type { Query } from './github-queries';

const DOCS = 'https://docs.github.com/rest';

/** One request to the stand-in and the ways to answer it; every answer is logged. */
export interface Exchange {
  readonly method: string;
  /** The request path without the query. */
  readonly pathname: string;
  readonly query: Query;
  /** The parsed JSON body; `{ __invalid: text }` when it is not JSON, `{}` when empty. */
  readonly body: JsonObject;
  /** `http://host:port` as the client addressed the stand-in, the root of the API links it gets. */
  readonly base: string;
  readonly authorization: string;
  send(status: number, payload: unknown, headers?: Record<string, string>): void;
  /** An answer with GitHub's error body: message, documentation link and status. */
  error(status: number, message: string, extra?: JsonObject, headers?: Record<string, string>): void;
  /** Closes the connection without an answer, logged with status 0. */
  drop(): void;
  /** Never answers (logged with status 0); the connection stays open until either side closes it. */
  hang(): void;
}

export interface JsonHandlerOptions {
  /** Headers every answer carries (the rate limit), read when it is sent. */
  readonly headers: () => Record<string, string>;
  readonly log: (record: RequestRecord) => void;
  /** Used for links when a client sends no `host` header. */
  readonly host: () => string;
}

/** A request listener that reads the whole body, then hands one `Exchange` to `handle`. */
export function jsonHandler(
  handle: (exchange: Exchange) => void,
  options: JsonHandlerOptions,
): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(exchangeOf(req, res, Buffer.concat(chunks).toString('utf8'), options));
      } catch (e) {
        // A stand-in bug must fail the test loudly, not hang it.
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `stand-in error: ${e instanceof Error ? e.stack : String(e)}` }));
      }
    });
  };
}

function exchangeOf(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  raw: string,
  options: JsonHandlerOptions,
): Exchange {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const query = Object.fromEntries(url.searchParams);
  const body = parseBody(raw);
  const record = (status: number) =>
    options.log({ method, path: url.pathname, query, status, ...(raw ? { body } : {}) });
  const send: Exchange['send'] = (status, payload, headers = {}) => {
    record(status);
    const text = payload === undefined ? '' : JSON.stringify(payload);
    res.writeHead(status, {
      ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...options.headers(),
      ...headers,
    });
    res.end(text);
  };
  return {
    method,
    pathname: url.pathname,
    query,
    body,
    base: `http://${req.headers.host ?? options.host()}`,
    authorization: req.headers.authorization ?? '',
    send,
    error: (status, message, extra = {}, headers) =>
      send(status, { message, documentation_url: DOCS, status: String(status), ...extra }, headers),
    drop: () => {
      record(0);
      req.socket.destroy();
    },
    hang: () => record(0),
  };
}

function parseBody(raw: string): JsonObject {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as JsonObject;
  } catch {
    return { __invalid: raw };
  }
}
