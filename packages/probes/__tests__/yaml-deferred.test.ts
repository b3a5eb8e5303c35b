// Issue #16: a run whose targets are plain URLs must not load the yaml library (in the bundle it is
// a lazy chunk). The parser is replaced by one that records its calls, so each case shows whether
// the parser was asked for; `loadYamlFor` decides from the raw inputs whether to load it at all.
import { beforeEach, describe, expect, it, jest } from '@jest/globals';

const asked: string[] = [];
const loads: string[] = [];
const real = await import('../src/yaml-parser');
jest.unstable_mockModule('../src/yaml-parser', () => ({
  yamlParser: () => {
    asked.push('yaml');
    return real.yamlParser();
  },
  loadYaml: () => {
    loads.push('yaml');
    return real.loadYaml();
  },
}));
const { loadYamlFor, parseTargets } = await import('../src/targets');
const { targetsTextSecrets } = await import('../src/masking');
const { parseMaintenance } = await import('../src/maintenance');

const defaults = { timeoutMs: 10_000, retries: 2, retryDelayMs: 1000, certExpiryDays: 14 };
const noFile = () => {
  throw new Error('no file');
};
const inputsOf =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? '';

describe('YAML only for YAML', () => {
  beforeEach(() => {
    asked.length = 0;
    loads.length = 0;
  });

  it('refuses to parse before the library is loaded, instead of misreading the text', () => {
    expect(() => real.yamlParser()).toThrow(/before loadYaml/);
  });

  it('reads one URL per line, and its secrets, without the YAML parser', async () => {
    const text =
      '# probes\nhttp://127.0.0.1:8080/api\n\nhttps://monitor:p4ssw0rd@example.com/health?token=t0k3n\n';
    expect(await loadYamlFor(inputsOf({ targets: text }))).toBe(false);
    expect(targetsTextSecrets(text).sort()).toEqual(['monitor', 'p4ssw0rd', 't0k3n'].sort());
    const parsed = parseTargets({ targets: text, config: '' }, defaults, noFile);
    expect('value' in parsed && parsed.value.map((t) => t.url)).toEqual([
      'http://127.0.0.1:8080/api',
      'https://monitor:p4ssw0rd@example.com/health?token=t0k3n',
    ]);
    expect(parseMaintenance('')).toEqual({ value: [] });
    expect(asked).toEqual([]);
    expect(loads).toEqual([]);
  });

  it('loads it for YAML targets, a config file or maintenance windows', async () => {
    const url = 'http://127.0.0.1:8080/api';
    expect(await loadYamlFor(inputsOf({ targets: `- name: api\n  url: ${url}\n` }))).toBe(true);
    expect(await loadYamlFor(inputsOf({ targets: '', config: 'probes.yml' }))).toBe(true);
    expect(await loadYamlFor(inputsOf({ targets: url, config: 'probes.yml' }))).toBe(true);
    expect(await loadYamlFor(inputsOf({ targets: url, maintenance: '- target: api\n' }))).toBe(true);
    expect(await loadYamlFor(inputsOf({ targets: `${url}\nnot a url` }))).toBe(true);
    expect(loads.length).toBe(5);
  });

  it('parses a YAML list of targets with it', async () => {
    await loadYamlFor(inputsOf({ targets: '- name: api\n' }));
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
