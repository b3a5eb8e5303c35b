// Issue #16: a run whose targets are plain URLs must not evaluate the yaml library. The loader is
// replaced by one that records its calls, so each case shows whether the parser was asked for.
import { beforeEach, describe, expect, it, jest } from '@jest/globals';

const asked: string[] = [];
const real = (await import('../src/yaml-parser')).yamlParser;
jest.unstable_mockModule('../src/yaml-parser', () => ({
  yamlParser: () => {
    asked.push('yaml');
    return real();
  },
}));
const { parseTargets } = await import('../src/targets');
const { targetsTextSecrets } = await import('../src/masking');
const { parseMaintenance } = await import('../src/maintenance');

const defaults = { timeoutMs: 10_000, retries: 2, retryDelayMs: 1000, certExpiryDays: 14 };
const noFile = () => {
  throw new Error('no file');
};

describe('YAML only for YAML', () => {
  beforeEach(() => {
    asked.length = 0;
  });

  it('reads one URL per line, and its secrets, without the YAML parser', () => {
    const text =
      '# probes\nhttp://127.0.0.1:8080/api\n\nhttps://monitor:p4ssw0rd@example.com/health?token=t0k3n\n';
    expect(targetsTextSecrets(text).sort()).toEqual(['monitor', 'p4ssw0rd', 't0k3n'].sort());
    const parsed = parseTargets({ targets: text, config: '' }, defaults, noFile);
    expect('value' in parsed && parsed.value.map((t) => t.url)).toEqual([
      'http://127.0.0.1:8080/api',
      'https://monitor:p4ssw0rd@example.com/health?token=t0k3n',
    ]);
    expect(parseMaintenance('')).toEqual({ value: [] });
    expect(asked).toEqual([]);
  });

  it('parses a YAML list of targets with it', () => {
    const parsed = parseTargets(
      { targets: '- name: api\n  url: http://127.0.0.1:8080/api\n', config: '' },
      defaults,
      noFile,
    );
    expect('value' in parsed && parsed.value.map((t) => t.name)).toEqual(['api']);
    expect(
      targetsTextSecrets('- url: http://127.0.0.1/x\n  headers: {Authorization: Bearer abcdef}\n'),
    ).toContain('abcdef');
    expect(asked.length).toBeGreaterThanOrEqual(2);
  });
});
