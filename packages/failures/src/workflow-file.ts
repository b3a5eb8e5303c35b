import { describeGitHubError, statusOf, type GitHubClient } from '@sre-toolkit/github';

/**
 * A workflow's `on.schedule` crons, read from its file on the default branch through the contents
 * API (one request per file, cached for the scan). YAML 1.2, as GitHub reads it: `on` is a key, not
 * the boolean it is in YAML 1.1.
 */

export type Schedule =
  /** The crons (empty: the workflow has no schedule trigger). */
  | { readonly crons: readonly string[] }
  /** The file could not be read or parsed: why, for a warning. */
  | { readonly error: string };

type Json = Record<string, unknown>;
const object = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/**
 * The crons of a workflow file's text. `yaml` loads on the first file: only scheduled scans read
 * workflow files, so the detector's `workflow_run` path never evaluates it (issue #16).
 */
export async function scheduleOf(text: string): Promise<Schedule> {
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100, version: '1.2' });
  } catch (error) {
    return {
      error: `its file is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'})`,
    };
  }
  const on = object(doc)?.on;
  const schedule = object(on)?.schedule;
  if (!Array.isArray(schedule)) return { crons: [] };
  return {
    crons: schedule
      .map((entry) => object(entry)?.cron)
      .filter((cron): cron is string => typeof cron === 'string' && cron.trim() !== ''),
  };
}

export type ScheduleReader = (path: string) => Promise<Schedule>;

/** Reads schedules of `ref`, each file at most once. */
export function scheduleReader(
  client: GitHubClient,
  repo: { owner: string; repo: string },
  ref: string | undefined,
): ScheduleReader {
  const cache = new Map<string, Promise<Schedule>>();
  const read = async (path: string): Promise<Schedule> => {
    try {
      const { data } = await client.rest.repos.getContent({ ...repo, path, ...(ref ? { ref } : {}) });
      const file = object(data);
      if (!file || file.type !== 'file' || typeof file.content !== 'string')
        return { error: `${path} is not a file` };
      return await scheduleOf(Buffer.from(file.content, 'base64').toString('utf8'));
    } catch (error) {
      if (statusOf(error) === 404)
        return { error: `${path} was not found on ${ref ?? 'the default branch'}` };
      return { error: describeGitHubError(error, `reading ${path}`, 'contents: read') };
    }
  };
  return (path) => {
    let pending = cache.get(path);
    if (!pending) cache.set(path, (pending = read(path)));
    return pending;
  };
}
