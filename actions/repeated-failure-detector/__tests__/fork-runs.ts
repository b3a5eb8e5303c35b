import * as http from 'node:http';
import { listenOnLoopback, type GitHubServer } from '@sre-toolkit/testkit';

/** The fork a pull request comes from, as GitHub shows it in `head_repository`. */
export const FORK = { id: 777000777, name: 'app', full_name: 'someone/app', fork: true };

export interface ForkView {
  readonly url: string;
  /** Marks a stored run as a pull request run from `FORK` (its `head_branch` stays as seeded). */
  markFork(runId: number): void;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of the GitHub stand-in that shows chosen runs as fork pull request
 * runs (`event: pull_request`, `head_repository` = `FORK`). The stand-in has no seed for a run's
 * head repository; everything else passes through unchanged.
 */
export async function forkView(gh: GitHubServer): Promise<ForkView> {
  const forks = new Set<number>();
  const disguise = (run: Record<string, unknown>) =>
    forks.has(Number(run.id)) ? { ...run, event: 'pull_request', head_repository: FORK } : run;
  let self = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            (e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host',
          ),
        );
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(`${gh.url}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers,
          ...(body ? { body } : {}),
        });
        let text = await answer.text();
        if (/\/actions\/(workflows\/[^/]+\/)?runs(\/\d+)?(\?|$)/.test(req.url ?? '') && text) {
          const data = JSON.parse(text) as Record<string, unknown>;
          const shown = Array.isArray(data.workflow_runs)
            ? { ...data, workflow_runs: (data.workflow_runs as Record<string, unknown>[]).map(disguise) }
            : disguise(data);
          text = JSON.stringify(shown);
        }
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
            out[name] = name === 'link' ? value.split(gh.url).join(self) : value;
        });
        res.writeHead(answer.status, out).end(text);
      })().catch((error: unknown) => res.writeHead(502).end(String(error)));
    });
  });
  const listening = await listenOnLoopback(server);
  self = `http://127.0.0.1:${listening.port}`;
  return { url: self, markFork: (id) => forks.add(id), close: () => listening.close() };
}
