import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { cleanText, inertLog, oneLine } from '../src/untrusted';

describe('cleanText', () => {
  it('drops bidi overrides, zero-width characters and controls, keeping new lines and tabs', () => {
    expect(cleanText('ab\u202Ec\u200Bd\u2066e\u0000f\u001b[31mg\u0085h\tI\r\nJ')).toBe('abcdef[31mgh\tI\nJ');
  });
});

describe('oneLine', () => {
  it('folds every line break into one space', () => {
    expect(oneLine('a\n\n::warning x\r\nb')).toBe('a ::warning x b');
  });
});

describe('inertLog', () => {
  it('makes every line that would be a workflow command inert', () => {
    expect(inertLog('ok\n::warning file=x::pwned\n  ::stop-commands::t\n##[error]x')).toBe(
      'ok\n: :warning file=x::pwned\n  : :stop-commands::t\n# #[error]x',
    );
  });

  it('never leaves a line starting with :: or ##[ for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        for (const line of inertLog(s).split('\n')) expect(/^\s*(::|##\[)/.test(line)).toBe(false);
      }),
    );
  });
});

describe('cell', () => {
  it('shows link syntax from outside text as text, never as a link', async () => {
    const { cell } = await import('../src/summary');
    expect(cell('[Urgent: re-login](https://evil.example/x)')).toBe(
      '\\[Urgent: re-login\\](https&#58;//evil.example/x)',
    );
    expect(cell('see www.evil.example')).toBe('see www&#46;evil.example');
    expect(cell('a\u202Eb|c')).toBe('ab\\|c');
  });
});

describe('cleanText and neutralized mentions', () => {
  it('keeps the word joiner that neutralizes @everyone', () => {
    expect(cleanText('@\u2060everyone')).toBe('@\u2060everyone');
  });
});
