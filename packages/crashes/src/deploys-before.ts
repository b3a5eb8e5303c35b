import {
  deploySentence,
  deployedVersion,
  describeGitHubError,
  type DeployInfo,
  type DeployLookup,
} from '@sre-toolkit/github';
import { DISCORD_DEPLOY, groupStart, type DeployBefore } from './alert-context';
import type { Digest } from './digest';

// Loaded with the GitHub client, only by a run that looks deploys up (alert-context.ts).

/** The deploy before each new or spiking critical group (one listing per run, cached by the lookup). */
export async function deploysBefore(
  d: Digest,
  lookup: DeployLookup,
  log: (message: string) => void,
): Promise<Map<string, DeployBefore>> {
  const found = new Map<string, DeployBefore>();
  for (const g of d.groups) {
    if (!g.critical.length || !(g.new || g.spike)) continue;
    const start = groupStart(g, d.window.start);
    let info: DeployInfo | undefined;
    try {
      info = await lookup(start);
    } catch (error) {
      log(`No deploy context: ${describeGitHubError(error, 'listing deployments', 'deployments: read')}`);
      break;
    }
    if (!info) continue;
    const newest = g.versions[0];
    const sameVersion = !!newest && deployedVersion(info, newest);
    const line = `🚀 ${deploySentence(info, start, 'Began', DISCORD_DEPLOY)}${sameVersion ? '; crashing in that version' : ''}`;
    found.set(g.fingerprint, { info, start, sameVersion, line });
  }
  return found;
}
