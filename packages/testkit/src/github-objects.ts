import type {
  StoredComment,
  StoredIssue,
  StoredJob,
  StoredLabel,
  StoredRepository,
  StoredRun,
  StoredWorkflow,
} from './github-model';

export type JsonObject = Record<string, unknown>;

/** When every repository was created, pushed and updated: bodies need a date, tests none in particular. */
const CREATED = '2024-01-15T09:00:00Z';

/**
 * Builds REST bodies shaped like GitHub's (every field its OpenAPI schema requires). `api` is the
 * stand-in's own root, used for the `*_url` API links; `html` the web root for `html_url`s.
 */
export class GitHubObjects {
  constructor(
    private readonly api: string,
    private readonly html: string,
  ) {}

  /** The web root links to github.com pages start with. */
  get htmlBase(): string {
    return this.html;
  }

  user(login: string, id = 583231): JsonObject {
    const u = `${this.api}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: `MDQ6VXNlcj${id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: u,
      // Bots live under /apps/ on the web (github-actions[bot] -> /apps/github-actions).
      html_url: login.endsWith('[bot]') ? `${this.html}/apps/${login.slice(0, -5)}` : `${this.html}/${login}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      site_admin: false,
    };
  }

  minimalRepository(r: StoredRepository): JsonObject {
    const u = `${this.api}/repos/${r.fullName}`;
    return {
      id: r.id,
      node_id: `R_kgDO${r.id}`,
      name: r.name,
      full_name: r.fullName,
      owner: this.user(r.owner, 9919),
      private: r.private,
      html_url: `${this.html}/${r.fullName}`,
      description: null,
      fork: false,
      url: u,
      archive_url: `${u}/{archive_format}{/ref}`,
      assignees_url: `${u}/assignees{/user}`,
      blobs_url: `${u}/git/blobs{/sha}`,
      branches_url: `${u}/branches{/branch}`,
      collaborators_url: `${u}/collaborators{/collaborator}`,
      comments_url: `${u}/comments{/number}`,
      commits_url: `${u}/commits{/sha}`,
      compare_url: `${u}/compare/{base}...{head}`,
      contents_url: `${u}/contents/{+path}`,
      contributors_url: `${u}/contributors`,
      deployments_url: `${u}/deployments`,
      downloads_url: `${u}/downloads`,
      events_url: `${u}/events`,
      forks_url: `${u}/forks`,
      git_commits_url: `${u}/git/commits{/sha}`,
      git_refs_url: `${u}/git/refs{/sha}`,
      git_tags_url: `${u}/git/tags{/sha}`,
      hooks_url: `${u}/hooks`,
      issue_comment_url: `${u}/issues/comments{/number}`,
      issue_events_url: `${u}/issues/events{/number}`,
      issues_url: `${u}/issues{/number}`,
      keys_url: `${u}/keys{/key_id}`,
      labels_url: `${u}/labels{/name}`,
      languages_url: `${u}/languages`,
      merges_url: `${u}/merges`,
      milestones_url: `${u}/milestones{/number}`,
      notifications_url: `${u}/notifications{?since,all,participating}`,
      pulls_url: `${u}/pulls{/number}`,
      releases_url: `${u}/releases{/id}`,
      stargazers_url: `${u}/stargazers`,
      statuses_url: `${u}/statuses/{sha}`,
      subscribers_url: `${u}/subscribers`,
      subscription_url: `${u}/subscription`,
      tags_url: `${u}/tags`,
      teams_url: `${u}/teams`,
      trees_url: `${u}/git/trees{/sha}`,
    };
  }

  repository(r: StoredRepository): JsonObject {
    return {
      ...this.minimalRepository(r),
      clone_url: `${this.html}/${r.fullName}.git`,
      git_url: `git://${new URL(this.html).host}/${r.fullName}.git`,
      ssh_url: `git@${new URL(this.html).host}:${r.fullName}.git`,
      svn_url: `${this.html}/${r.fullName}`,
      mirror_url: null,
      homepage: null,
      language: 'TypeScript',
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      size: 1024,
      default_branch: r.defaultBranch,
      open_issues: 0,
      open_issues_count: 0,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      archived: false,
      disabled: false,
      license: null,
      pushed_at: CREATED,
      created_at: CREATED,
      updated_at: CREATED,
      network_count: 0,
      subscribers_count: 1,
      visibility: r.private ? 'private' : 'public',
    };
  }

  workflow(w: StoredWorkflow): JsonObject {
    return {
      id: w.id,
      node_id: `W_kwDO${w.id}`,
      name: w.name,
      path: w.path,
      state: w.state,
      created_at: w.createdAt,
      updated_at: w.createdAt,
      url: `${this.api}/repos/${w.repository}/actions/workflows/${w.id}`,
      html_url: `${this.html}/${w.repository}/blob/main/${w.path}`,
      badge_url: `${this.html}/${w.repository}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
    };
  }

  /** A run as it looks at `attempt` (default: its latest attempt). */
  run(r: StoredRun, repo: StoredRepository, wf: StoredWorkflow, attempt?: number): JsonObject {
    const n = attempt ?? r.attempts.length;
    const a = r.attempts[n - 1];
    const u = `${this.api}/repos/${r.repository}/actions/runs/${r.id}`;
    return {
      id: r.id,
      name: wf.name,
      node_id: `WFR_kwLO${r.id}`,
      check_suite_id: r.id + 1,
      check_suite_node_id: `CS_kwDO${r.id + 1}`,
      head_branch: r.headBranch,
      head_sha: r.headSha,
      path: wf.path,
      display_title: r.displayTitle,
      run_number: r.runNumber,
      event: r.event,
      status: a?.status ?? 'completed',
      conclusion: a?.conclusion ?? null,
      workflow_id: wf.id,
      url: u,
      html_url: `${this.html}/${r.repository}/actions/runs/${r.id}`,
      pull_requests: [],
      created_at: r.createdAt,
      updated_at: a?.updatedAt ?? r.createdAt,
      actor: this.user(r.actor),
      triggering_actor: this.user(r.actor),
      run_attempt: n,
      referenced_workflows: [],
      run_started_at: a?.startedAt ?? r.createdAt,
      jobs_url: `${u}/jobs`,
      logs_url: `${u}/logs`,
      check_suite_url: `${this.api}/repos/${r.repository}/check-suites/${r.id + 1}`,
      artifacts_url: `${u}/artifacts`,
      cancel_url: `${u}/cancel`,
      rerun_url: `${u}/rerun`,
      previous_attempt_url: n > 1 ? `${u}/attempts/${n - 1}` : null,
      workflow_url: `${this.api}/repos/${r.repository}/actions/workflows/${wf.id}`,
      head_commit: {
        id: r.headSha,
        tree_id: r.headSha.split('').reverse().join(''),
        message: r.commitMessage,
        timestamp: r.createdAt,
        author: { name: 'Octo Cat', email: 'octocat@example.com' },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      },
      repository: this.minimalRepository(repo),
      head_repository: r.headRepository
        ? { ...this.minimalRepository(r.headRepository), fork: true }
        : this.minimalRepository(repo),
    };
  }

  job(j: StoredJob, r: StoredRun, _repo: StoredRepository, wf: StoredWorkflow): JsonObject {
    return {
      id: j.id,
      run_id: r.id,
      run_url: `${this.api}/repos/${r.repository}/actions/runs/${r.id}`,
      run_attempt: j.runAttempt,
      node_id: `CR_kwDO${j.id}`,
      head_sha: r.headSha,
      url: `${this.api}/repos/${r.repository}/actions/jobs/${j.id}`,
      html_url: `${this.html}/${r.repository}/actions/runs/${r.id}/job/${j.id}`,
      status: j.status,
      conclusion: j.conclusion,
      created_at: j.startedAt,
      started_at: j.startedAt,
      completed_at: j.completedAt,
      name: j.name,
      steps: j.steps.map((s) => ({
        name: s.name,
        status: s.status,
        conclusion: s.conclusion,
        number: s.number,
        started_at: s.startedAt,
        completed_at: s.completedAt,
      })),
      check_run_url: `${this.api}/repos/${r.repository}/check-runs/${j.id}`,
      labels: ['ubuntu-latest'],
      runner_id: 1,
      runner_name: 'GitHub Actions 1',
      runner_group_id: 1,
      runner_group_name: 'GitHub Actions',
      workflow_name: wf.name,
      head_branch: r.headBranch,
    };
  }

  label(l: StoredLabel, repo: StoredRepository): JsonObject {
    return {
      id: l.id,
      node_id: `LA_kwDO${l.id}`,
      url: `${this.api}/repos/${repo.fullName}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      description: l.description,
      color: l.color,
      default: false,
    };
  }

  issue(i: StoredIssue, repo: StoredRepository, labels: StoredLabel[]): JsonObject {
    const u = `${this.api}/repos/${repo.fullName}/issues/${i.number}`;
    return {
      id: i.id,
      node_id: `I_kwDO${i.id}`,
      url: u,
      repository_url: `${this.api}/repos/${repo.fullName}`,
      labels_url: `${u}/labels{/name}`,
      comments_url: `${u}/comments`,
      events_url: `${u}/events`,
      html_url: `${this.html}/${repo.fullName}/issues/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.stateReason,
      title: i.title,
      body: i.body,
      user: this.user(i.user, 41898282),
      labels: labels.map((l) => this.label(l, repo)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: i.comments.length,
      closed_at: i.closedAt,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_by: null,
      author_association: 'NONE',
    };
  }

  comment(c: StoredComment, i: StoredIssue, repo: StoredRepository): JsonObject {
    return {
      id: c.id,
      node_id: `IC_kwDO${c.id}`,
      url: `${this.api}/repos/${repo.fullName}/issues/comments/${c.id}`,
      html_url: `${this.html}/${repo.fullName}/issues/${i.number}#issuecomment-${c.id}`,
      issue_url: `${this.api}/repos/${repo.fullName}/issues/${i.number}`,
      body: c.body,
      user: this.user(c.user, 41898282),
      created_at: c.createdAt,
      updated_at: c.createdAt,
      author_association: 'NONE',
    };
  }
}
