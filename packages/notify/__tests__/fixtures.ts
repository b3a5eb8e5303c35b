export { plant, webhookExamples } from '@sre-toolkit/testkit';
import type { RunContext } from '@sre-toolkit/action';
import { NO_MENTIONS } from '@sre-toolkit/discord';
import type { NotifyRequest } from '../src/compose';

export function context(
  eventName: string,
  payload: Record<string, unknown>,
  over: Partial<RunContext> = {},
): RunContext {
  return {
    eventName,
    payload,
    owner: 'acme',
    repo: 'mara',
    repository: 'acme/mara',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '9100000001',
    runAttempt: 1,
    runNumber: '42',
    runUrl: 'https://github.com/acme/mara/actions/runs/9100000001',
    workflow: 'frontend-ci',
    job: 'build',
    ref: 'refs/heads/main',
    refName: 'main',
    sha: '3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b',
    actor: 'octocat',
    headRef: '',
    ...over,
  };
}

export function request(over: Partial<NotifyRequest> = {}): NotifyRequest {
  return {
    status: 'info',
    template: 'auto',
    title: '',
    description: '',
    content: '',
    url: '',
    color: undefined,
    username: '',
    avatarUrl: '',
    footer: '',
    fields: [],
    environment: '',
    version: '',
    startedAt: undefined,
    mention: NO_MENTIONS,
    mentionOn: ['failure'],
    notifyOn: ['success', 'failure', 'cancelled', 'skipped', 'info'],
    threadName: '',
    threadTags: [],
    suppressNotifications: false,
    ...over,
  };
}
