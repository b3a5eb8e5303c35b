import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { corpusPersonalData, crashCorpusLines, runAction } from '@sre-toolkit/testkit';
import { EXPORT_TOKEN, type IntakeProcess, postReports, startIntake, tempDataDir } from './server-process';

interface DigestFile {
  totals: Record<string, number>;
  groups: { fingerprint: string; count: number; fatal: number; users: number; versions: string[] }[];
}

describe('crash-digest bundle reading the intake', () => {
  const data = tempDataDir();
  const out = tempDataDir();
  let intake: IntakeProcess;
  const now = Date.now();
  beforeAll(async () => {
    intake = await startIntake(data.dir, { CRASH_APP_PACKAGE: 'mara', CRASH_RATE_LIMIT: '100000' });
    // The app's offline queue flushing: the known-bugs corpus (real Dart traces and Sentry events) in batches.
    const reports = [...crashCorpusLines({ now, invalid: false })].map((l) => JSON.parse(l) as unknown);
    for (let i = 0; i < reports.length; i += 100) {
      const res = await postReports(intake.port, reports.slice(i, i + 100));
      expect(res.status).toBe(202);
    }
  });
  afterAll(async () => {
    expect(await intake.stop()).toBe(0);
    data.remove();
    out.remove();
  });

  it('gives the same groups through source-url + source-token as from the segment files', async () => {
    const viaUrl = await runAction('crash-digest', {
      inputs: {
        'source-url': `http://127.0.0.1:${intake.port}/api/crashes/export`,
        'source-token': EXPORT_TOKEN,
        'app-package': 'mara',
        'dry-run': 'true',
        'digest-file': join(out.dir, 'url.json'),
      },
    });
    const viaFiles = await runAction('crash-digest', {
      inputs: {
        source: 'crashes-*.ndjson',
        'app-package': 'mara',
        'dry-run': 'true',
        'digest-file': join(out.dir, 'files.json'),
      },
      env: { GITHUB_WORKSPACE: data.dir },
    });
    expect([viaUrl.exitCode, viaFiles.exitCode]).toEqual([0, 0]);
    expect(viaUrl.masked).toContain(EXPORT_TOKEN);
    expect(viaUrl.log).not.toContain(EXPORT_TOKEN);
    // The corpus's known answer (actions/crash-digest/__tests__/digest.int.test.ts): scrubbing on
    // the way in changed no group.
    expect(viaUrl.outputs).toMatchObject({ total: '176', groups: '8', new: '1', critical: '3' });
    const url = JSON.parse(readFileSync(join(out.dir, 'url.json'), 'utf8')) as DigestFile;
    const files = JSON.parse(readFileSync(join(out.dir, 'files.json'), 'utf8')) as DigestFile;
    expect(url.groups).toEqual(files.groups);
    expect(url.totals).toEqual(files.totals);
    expect(url.groups.map((g) => g.fingerprint)).toHaveLength(8);
    const stored = readFileSync(
      join(data.dir, `crashes-${new Date().toISOString().slice(0, 10)}.ndjson`),
      'utf8',
    );
    for (const p of corpusPersonalData({ now })) expect(stored).not.toContain(p);
  });
});
