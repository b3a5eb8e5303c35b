// The rules every workflow of the repository keeps, as functions from a parsed workflow to the
// problems found, so each rule is also tested against a workflow that breaks it.
import { isObject, localActionName, stepsOf, stringsIn, type Workflow, type Yaml } from './repo-files';

/**
 * Event fields anyone can write (a fork's PR title, a branch name, a commit message, a label): in a
 * `run:` script or an action input they are code or data an attacker chose. From GitHub's security
 * hardening guide, plus `workflow_run`'s head_branch / display_title.
 */
const UNTRUSTED_LEAF =
  /^(title|body|message|head_ref|head_branch|display_title|label|labels|name|email|page_name|default_branch|description|ref)$/;

/** The attacker-controlled context paths used inside `${{ }}` expressions of a text. */
export function untrustedExpressions(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    // `github.event['pull_request']['title']` reads like `github.event.pull_request.title`.
    const expr = (m[1] ?? '')
      .replace(/\[\s*['"]([\w-]+)['"]\s*\]/g, '.$1')
      .replace(/\[\s*(\*|\d+)\s*\]/g, '.$1');
    for (const ref of expr.matchAll(/\bgithub\.(?:head_ref\b|event(?:\.[\w*-]+)+)/g)) {
      const path = ref[0];
      if (
        path === 'github.head_ref' ||
        path
          .split('.')
          .slice(2)
          .some((seg) => UNTRUSTED_LEAF.test(seg))
      ) {
        found.push(path);
      }
    }
  }
  return found;
}

/** Places where a workflow hands attacker-controlled text to a script or an action. */
export function injectionProblems(w: Workflow): string[] {
  const problems: string[] = [];
  const scan = (where: string, value: unknown) => {
    for (const { path, text } of stringsIn(value)) {
      for (const ref of untrustedExpressions(text))
        problems.push(`${where}${path ? ` (${path})` : ''}: ${ref}`);
    }
  };
  scan(`${w.file} › env`, w.doc.env);
  const jobs = isObject(w.doc.jobs) ? w.doc.jobs : {};
  for (const [id, job] of Object.entries(jobs)) if (isObject(job)) scan(`${w.file} › ${id} › env`, job.env);
  for (const s of stepsOf(w)) {
    scan(`${s.where} › run`, s.step.run);
    scan(`${s.where} › with`, s.step.with);
    scan(`${s.where} › env`, s.isJob ? undefined : s.step.env);
  }
  return problems;
}

const READ_ONLY = new Set(['read', 'none']);

function grants(perms: unknown): { ok: boolean; writes: string[] } {
  if (perms === 'read-all') return { ok: true, writes: [] };
  if (perms === 'write-all') return { ok: true, writes: ['write-all'] };
  if (!isObject(perms)) return { ok: false, writes: [] };
  const writes = Object.entries(perms)
    .filter(([, v]) => !READ_ONLY.has(String(v)))
    .map(([k]) => k);
  return { ok: true, writes };
}

/**
 * Least privilege: the workflow sets `permissions` read-only (or `{}`), and a job asks for write
 * access only to the scopes its actions need.
 */
export function permissionProblems(w: Workflow, allowedWrites: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (!('permissions' in w.doc)) problems.push(`${w.file}: no top-level permissions`);
  else {
    const top = grants(w.doc.permissions);
    if (!top.ok) problems.push(`${w.file}: top-level permissions must be a map, {} or read-all`);
    if (top.writes.length)
      problems.push(`${w.file}: top-level permissions grant write: ${top.writes.join(', ')}`);
  }
  const jobs = isObject(w.doc.jobs) ? w.doc.jobs : {};
  for (const [id, job] of Object.entries(jobs)) {
    if (!isObject(job) || !('permissions' in job)) continue;
    const g = grants(job.permissions);
    if (!g.ok) problems.push(`${w.file} › ${id}: permissions must be a map`);
    for (const scope of g.writes) {
      if (!allowedWrites.has(scope)) problems.push(`${w.file} › ${id}: asks for ${scope}: write`);
    }
  }
  return problems;
}

/**
 * Discord is reached only through the toolkit's actions: no curl/wget/fetch to a webhook, no
 * third-party Discord action, and the webhook secrets go only into our actions' inputs or into a
 * reusable workflow's secrets.
 */
export function handPostedDiscord(w: Workflow): string[] {
  const problems: string[] = [];
  for (const s of stepsOf(w)) {
    const run = typeof s.step.run === 'string' ? s.step.run : '';
    if (/discord(app)?\.com|\/api\/webhooks\/|DISCORD_WEBHOOK/i.test(run)) {
      problems.push(`${s.where}: a run: script talks to Discord`);
    }
    if (
      /\b(curl|wget|Invoke-WebRequest|Invoke-RestMethod|http\.request|fetch\()/.test(run) &&
      /discord/i.test(run)
    ) {
      problems.push(`${s.where}: posts to Discord by hand`);
    }
    const uses = typeof s.step.uses === 'string' ? s.step.uses : '';
    if (/discord/i.test(uses) && !localActionName(uses)) {
      problems.push(`${s.where}: uses a third-party Discord action (${uses})`);
    }
    const env = isObject(s.step.env) ? s.step.env : {};
    for (const { path, text } of stringsIn(env)) {
      if (/secrets\.DISCORD_/.test(text)) problems.push(`${s.where}: puts a Discord secret into env.${path}`);
    }
  }
  const jobs = isObject(w.doc.jobs) ? w.doc.jobs : {};
  for (const [id, job] of Object.entries(jobs)) {
    if (!isObject(job)) continue;
    for (const { path, text } of stringsIn(job.env)) {
      if (/secrets\.DISCORD_/.test(text))
        problems.push(`${w.file} › ${id}: puts a Discord secret into env.${path}`);
    }
  }
  for (const { path, text } of stringsIn(w.doc.env)) {
    if (/secrets\.DISCORD_/.test(text)) problems.push(`${w.file}: puts a Discord secret into env.${path}`);
  }
  return problems;
}

/**
 * Third-party actions and reusable workflows are pinned to a full commit SHA, with the version
 * it was taken from in a comment on the same line (`@<40 hex> # v6.0.2`).
 */
export function pinProblems(w: Workflow): string[] {
  const problems: string[] = [];
  for (const s of stepsOf(w)) {
    const uses = s.step.uses;
    if (typeof uses !== 'string' || uses.startsWith('./') || uses.startsWith('docker://')) continue;
    if (!/^[\w.-]+\/[\w.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/.test(uses)) {
      problems.push(`${s.where}: ${uses} is not pinned to a full commit SHA`);
      continue;
    }
    const escaped = uses.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    if (!new RegExp(`uses:\\s*['"]?${escaped}['"]?\\s+#\\s*v\\d+(\\.\\d+){0,2}\\b`).test(w.text)) {
      problems.push(`${s.where}: ${uses} has no version comment (# vX.Y.Z)`);
    }
  }
  return problems;
}

/** The minutes of the hour a cron expression fires at (the first of its five fields). */
export function cronMinutes(cron: string): Set<number> {
  const field = cron.trim().split(/\s+/)[0] ?? '';
  const minutes = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [0, 59];
    else if (range.includes('-')) [lo, hi] = range.split('-').map(Number) as [number, number];
    else [lo, hi] = [Number(range), stepText === undefined ? Number(range) : 59];
    if (![lo, hi, step].every(Number.isInteger) || step < 1)
      throw new Error(`unreadable cron minute field: ${field}`);
    for (let m = lo; m <= hi; m += step) minutes.add(m);
  }
  return minutes;
}

export function schedulesOf(w: Workflow): string[] {
  const on = isObject(w.doc.on) ? w.doc.on : {};
  const schedule = Array.isArray(on.schedule) ? on.schedule : [];
  return schedule.filter(isObject).map((s: Yaml) => String(s.cron));
}

/** Triggers of a workflow, whatever form `on:` takes (a string, a list or a map). */
export function triggersOf(w: Workflow): string[] {
  const on = w.doc.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return isObject(on) ? Object.keys(on) : [];
}
