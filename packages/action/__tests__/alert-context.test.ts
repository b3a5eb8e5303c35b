import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '@sre-toolkit/testkit';
import {
  alertContext,
  alertFields,
  defaultSeverity,
  recoveryFields,
  RUNBOOK_PATH,
  RUNBOOK_SECTIONS,
  severityRule,
  type AlertType,
} from '../src/alert-context';
import { input, parseInputs } from '../src/inputs';

/** GitHub's heading anchors (github-slugger): lower case, punctuation and emoji dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6} (.+)$/.exec(line)?.[1];
    if (!heading) continue;
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n ? `${slug}-${n}` : slug);
  }
  return anchors;
}

const runbook = readFileSync(join(REPO_ROOT, RUNBOOK_PATH), 'utf8');
const TYPES = Object.keys(RUNBOOK_SECTIONS) as AlertType[];
const options = {
  severity: 'auto' as const,
  runbookUrl: '',
  serverUrl: 'https://github.com',
  repository: 'acme/mara',
};

describe('runbook links', () => {
  it('every anchor an alert can link to is a heading of docs/INCIDENT_RESPONSE.md', () => {
    const anchors = anchorsOf(runbook);
    const missing = TYPES.map((t) => RUNBOOK_SECTIONS[t].anchor).filter((a) => !anchors.has(a));
    expect(missing).toEqual([]);
    // And the heading says what the link text says.
    for (const t of TYPES) expect(runbook).toContain(`### ${RUNBOOK_SECTIONS[t].title}\n`);
  });

  it("the runbook's own #links resolve too", () => {
    const anchors = anchorsOf(runbook);
    const links = [...runbook.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
  });

  it('slugs headings the way GitHub does', () => {
    expect([...anchorsOf('## Contacts and rotation (fill in)\n### ❌ Health down\n## A\n## A\n')]).toEqual([
      'contacts-and-rotation-fill-in',
      '-health-down',
      'a',
      'a-1',
    ]);
  });

  it("defaults to the repository's runbook on its default branch, and keeps a given URL's page", () => {
    expect(alertContext('silent-monitor', options).runbookUrl).toBe(
      'https://github.com/acme/mara/blob/HEAD/docs/INCIDENT_RESPONSE.md#silent-monitor',
    );
    expect(
      alertContext('health-down', { ...options, runbookUrl: 'https://wiki.example/oncall#top' }).runbookUrl,
    ).toBe('https://wiki.example/oncall#health-down');
  });
});

describe('severity', () => {
  it('follows the runbook by default', () => {
    expect(defaultSeverity('health-down', { critical: true })).toBe('SEV1');
    expect(defaultSeverity('health-down')).toBe('SEV2');
    expect(defaultSeverity('repeated-failure', { defaultBranch: true })).toBe('SEV2');
    expect(defaultSeverity('repeated-failure', { defaultBranch: false })).toBe('SEV3');
    expect(defaultSeverity('crash')).toBe('SEV2');
    expect(defaultSeverity('silent-monitor')).toBe('SEV3');
  });

  it('is fixed by the input, whatever the type', () => {
    expect(alertContext('silent-monitor', { ...options, severity: 'SEV1' }).severity).toBe('SEV1');
  });

  it('puts the severity first and the runbook link next; recoveries keep the link only', () => {
    const ctx = alertContext('repeated-failure', { ...options, defaultBranch: true });
    expect(alertFields(ctx)).toEqual([
      { name: 'Severity', value: 'SEV2', inline: true },
      {
        name: 'Runbook',
        value:
          '[Runbook: Repeated failure](https://github.com/acme/mara/blob/HEAD/docs/INCIDENT_RESPONSE.md#repeated-failure)',
        inline: true,
      },
    ]);
    expect(recoveryFields(ctx)).toEqual([alertFields(ctx)[1]]);
  });

  it('refuses an unknown severity, naming the choices', () => {
    const parsed = parseInputs({ severity: input(severityRule(), 'auto') }, () => 'sev4');
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      { input: 'severity', message: 'must be one of auto, SEV1, SEV2, SEV3; got "sev4"' },
    ]);
    const lower = parseInputs({ severity: input(severityRule(), 'auto') }, () => 'sev2');
    expect(lower.ok && lower.value.severity).toBe('SEV2');
  });
});
