import type {
  Conclusion,
  IssueSeed,
  JobSeed,
  RunSeed,
  RunStatus,
  StoredAttempt,
  StoredComment,
  StoredIssue,
  StoredJob,
  StoredLabel,
  StoredRepository,
  StoredRun,
  StoredStep,
  StoredWorkflow,
} from './github-model';

/** An issue edit as the REST API takes it, already narrowed from the request body. */
export interface IssuePatch {
  readonly title?: string;
  readonly body?: string | null;
  readonly labels?: string[];
  readonly state?: 'open' | 'closed';
  readonly stateReason?: 'completed' | 'not_planned';
}

/**
 * The stand-in's data and every change to it, shared by the test's seeding calls and the REST
 * routes, so a run a test adds and an issue the action opens live in the same place.
 */
export class GitHubStore {
  readonly repositories = new Map<string, StoredRepository>();
  readonly workflows: StoredWorkflow[] = [];
  readonly runs: StoredRun[] = [];
  readonly issues: StoredIssue[] = [];
  readonly labels: StoredLabel[] = [];
  private nextId = 1;
  // Seeded runs default to one minute apart, starting two days ago, so lookbacks of days see them.
  private clock = Date.now() - 2 * 86_400_000;

  private id(): number {
    return this.nextId++;
  }

  /** The named repository, or the first one added. */
  repository(fullName?: string): StoredRepository {
    const name = fullName ?? this.repositories.keys().next().value;
    const repo = name ? this.repositories.get(name) : undefined;
    if (!repo) throw new Error(`stand-in: no repository ${String(fullName)}`);
    return repo;
  }

  /** Seeding accepts a workflow's id, display name or file name. */
  findWorkflow(idOrName: number | string, repository: string): StoredWorkflow | undefined {
    return this.workflows.find(
      (w) =>
        w.repository === repository &&
        (typeof idOrName === 'number'
          ? w.id === idOrName
          : String(w.id) === idOrName || w.name === idOrName || basename(w.path) === idOrName),
    );
  }

  /** GitHub accepts the numeric id or the file name for a workflow, never its display name. */
  workflowByKey(repository: string, key: string): StoredWorkflow | undefined {
    return this.workflows.find(
      (w) => w.repository === repository && (String(w.id) === key || basename(w.path) === key),
    );
  }

  workflowOf(run: StoredRun): StoredWorkflow {
    return this.workflows.find((w) => w.id === run.workflowId) as StoredWorkflow;
  }

  addRepository(
    fullName: string,
    options: { defaultBranch?: string; private?: boolean } = {},
  ): StoredRepository {
    const [owner = '', name = ''] = fullName.split('/');
    const repo: StoredRepository = {
      id: 700000000 + this.id(),
      owner,
      name,
      fullName,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? false,
    };
    this.repositories.set(fullName, repo);
    return repo;
  }

  /** A repository runs can come from without the stand-in serving it (a fork nobody seeded). */
  private fork(fullName: string): StoredRepository {
    const [owner = '', name = ''] = fullName.split('/');
    return { id: 700000000 + this.id(), owner, name, fullName, defaultBranch: 'main', private: false };
  }

  addWorkflow(w: {
    name: string;
    path?: string;
    state?: StoredWorkflow['state'];
    repository?: string;
  }): StoredWorkflow {
    const repository = this.repository(w.repository).fullName;
    const file = w.path ?? `${w.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.yml`;
    const wf: StoredWorkflow = {
      id: 160000000 + this.id(),
      repository,
      name: w.name,
      path: file.includes('/') ? file : `.github/workflows/${file}`,
      state: w.state ?? 'active',
      createdAt: new Date(this.clock - 30 * 86_400_000).toISOString(),
    };
    this.workflows.push(wf);
    return wf;
  }

  addRun(r: RunSeed): StoredRun {
    const repo = this.repository(r.repository);
    const wf = this.findWorkflow(r.workflow, repo.fullName);
    if (!wf) throw new Error(`stand-in: no workflow ${String(r.workflow)} in ${repo.fullName}`);
    const created = r.createdAt ? new Date(r.createdAt).getTime() : (this.clock += 60_000);
    const conclusion = r.conclusion === undefined ? 'success' : r.conclusion;
    const status: RunStatus = r.status ?? (conclusion === null ? 'in_progress' : 'completed');
    const runId = 9000000000 + this.id();
    const runNumber = this.runs.filter((x) => x.workflowId === wf.id).length + 1;
    const earlier = r.previousAttempts ?? [];
    const attempts: StoredAttempt[] = [...earlier, conclusion].map((c, i) => ({
      attempt: i + 1,
      status: i === earlier.length ? status : 'completed',
      conclusion: c,
      startedAt: new Date(created + i * 600_000).toISOString(),
      updatedAt: new Date(created + i * 600_000 + 120_000).toISOString(),
    }));
    const message = r.message ?? `Change ${runNumber} to ${wf.name}`;
    const run: StoredRun = {
      id: runId,
      repository: repo.fullName,
      workflowId: wf.id,
      runNumber,
      headBranch: r.branch === undefined ? repo.defaultBranch : r.branch,
      headSha: r.headSha ?? sha(`${runId}`),
      event: r.event ?? 'push',
      displayTitle: message.split('\n')[0] ?? message,
      commitMessage: message,
      actor: r.actor ?? 'octocat',
      createdAt: new Date(created).toISOString(),
      ...(r.headRepository && r.headRepository !== repo.fullName
        ? { headRepository: this.repositories.get(r.headRepository) ?? this.fork(r.headRepository) }
        : {}),
      attempts,
      jobs: attempts.flatMap((a) =>
        this.makeJobs(
          runId,
          a.attempt,
          a.startedAt,
          a.conclusion,
          a.attempt === attempts.length ? r.jobs : undefined,
        ),
      ),
    };
    this.runs.push(run);
    return run;
  }

  /** Adds an attempt to an existing run (a re-run), concluding `conclusion`. */
  rerun(runId: number, conclusion: Conclusion, jobs?: readonly JobSeed[]): StoredRun {
    const run = this.runs.find((r) => r.id === runId);
    if (!run) throw new Error(`stand-in: no run ${runId}`);
    const last = run.attempts[run.attempts.length - 1];
    const started = Date.parse(last?.updatedAt ?? run.createdAt) + 60_000;
    const attempt: StoredAttempt = {
      attempt: run.attempts.length + 1,
      status: 'completed',
      conclusion,
      startedAt: new Date(started).toISOString(),
      updatedAt: new Date(started + 120_000).toISOString(),
    };
    run.attempts.push(attempt);
    run.jobs.push(...this.makeJobs(run.id, attempt.attempt, attempt.startedAt, conclusion, jobs));
    return run;
  }

  private makeJobs(
    runId: number,
    attempt: number,
    startedAt: string,
    conclusion: Conclusion | null,
    seeds?: readonly JobSeed[],
  ): StoredJob[] {
    return (seeds ?? [{ name: 'build', conclusion, steps: ['Run tests'] }]).map((j) => {
      const jobConclusion = j.conclusion === undefined ? conclusion : j.conclusion;
      const done = jobConclusion !== null;
      const stepSeeds = j.steps ?? ['Run tests'];
      const steps = stepSeeds.map((s, i): StoredStep => {
        const step = typeof s === 'string' ? { name: s } : s;
        // Steps without a conclusion succeed, except the last, which ends like its job.
        const implied = i === stepSeeds.length - 1 ? jobConclusion : done ? 'success' : null;
        return {
          name: step.name,
          status: done ? 'completed' : 'in_progress',
          conclusion: step.conclusion === undefined ? implied : step.conclusion,
          number: i + 1,
          startedAt: startedAt,
          completedAt: done ? startedAt : null,
        };
      });
      return {
        id: 30000000000 + this.id(),
        runId,
        runAttempt: attempt,
        name: j.name,
        status: done ? 'completed' : 'in_progress',
        conclusion: jobConclusion,
        startedAt,
        completedAt: done ? new Date(Date.parse(startedAt) + 60_000).toISOString() : null,
        steps,
      };
    });
  }

  /** The label of that name (GitHub compares names case-insensitively), created if missing. */
  ensureLabel(
    repository: string,
    name: string,
    color = 'ededed',
    description: string | null = null,
  ): StoredLabel {
    const existing = this.findLabel(repository, name);
    if (existing) return existing;
    const label: StoredLabel = { id: 5000000000 + this.id(), repository, name, color, description };
    this.labels.push(label);
    return label;
  }

  findLabel(repository: string, name: string): StoredLabel | undefined {
    return this.labels.find(
      (l) => l.repository === repository && l.name.toLowerCase() === name.toLowerCase(),
    );
  }

  /** An issue's labels as objects; names set by an edit become labels of the repository. */
  labelsOf(issue: StoredIssue): StoredLabel[] {
    return issue.labels.map((n) => this.ensureLabel(issue.repository, n));
  }

  addIssue(s: IssueSeed): StoredIssue {
    const repository = this.repository(s.repository).fullName;
    const now = new Date(this.clock).toISOString();
    for (const l of s.labels ?? []) this.ensureLabel(repository, l);
    const issue: StoredIssue = {
      id: 2000000000 + this.id(),
      repository,
      number: this.issues.filter((i) => i.repository === repository).length + 1,
      title: s.title,
      body: s.body ?? null,
      state: s.state ?? 'open',
      stateReason: s.state === 'closed' ? 'completed' : null,
      labels: [...(s.labels ?? [])],
      createdAt: now,
      updatedAt: now,
      closedAt: s.state === 'closed' ? now : null,
      comments: [],
      user: 'github-actions[bot]',
    };
    this.issues.push(issue);
    return issue;
  }

  /** Applies an edit; closing or reopening sets the state reason and closing time as GitHub does. */
  updateIssue(issue: StoredIssue, patch: IssuePatch): void {
    if (patch.title !== undefined) issue.title = patch.title;
    if (patch.body !== undefined) issue.body = patch.body;
    if (patch.labels) issue.labels = patch.labels;
    if (patch.state === 'closed' && issue.state === 'open') {
      issue.state = 'closed';
      issue.closedAt = new Date().toISOString();
      issue.stateReason = patch.stateReason ?? 'completed';
    } else if (patch.state === 'open' && issue.state === 'closed') {
      issue.state = 'open';
      issue.closedAt = null;
      issue.stateReason = 'reopened';
    }
    issue.updatedAt = new Date().toISOString();
  }

  addComment(issue: StoredIssue, body: string): StoredComment {
    const comment: StoredComment = {
      id: 1500000000 + this.id(),
      body,
      createdAt: new Date().toISOString(),
      user: 'github-actions[bot]',
    };
    issue.comments.push(comment);
    issue.updatedAt = comment.createdAt;
    return comment;
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A stable 40-hex-digit sha for a seed string. */
export function sha(seed: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${seed}:${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}
