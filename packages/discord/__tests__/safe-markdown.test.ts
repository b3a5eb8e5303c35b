import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { safeMarkdown } from '../src/safe-markdown';

const PR_BODY = [
  '## Summary',
  '',
  'Fixes the **login** crash on _cold start_ (see `AuthBloc`).',
  '',
  '- [x] tests',
  '- [ ] docs',
  '',
  '> reviewed by QA',
  '',
  'Details: [the design doc](https://evil.example/steal) and https://github.com/acme/mara/issues/7',
  '![screenshot](https://img.example/a.png)',
  '<details><summary>logs</summary>',
  '',
  '```dart',
  'final x = 1; // @everyone',
  '```',
  '</details>',
  '',
  '@everyone please review <@&123456789012345678>',
  '<!-- hidden [x](https://evil.example) -->',
].join('\n');

describe('safeMarkdown', () => {
  it('keeps headings, task lists, emphasis, code and quotes; shows link targets; drops images and HTML; neutralizes pings', () => {
    expect(safeMarkdown(PR_BODY, 4096)).toBe(
      [
        '## Summary',
        '',
        'Fixes the **login** crash on _cold start_ (see `AuthBloc`).',
        '',
        '- ☑ tests',
        '- ☐ docs',
        '',
        '> reviewed by QA',
        '',
        'Details: the design doc (<https://evil.example/steal>) and https://github.com/acme/mara/issues/7',
        '',
        'logs',
        '',
        '```dart',
        'final x = 1; // @\u2060everyone',
        '```',
        '',
        '',
        '@\u2060everyone please review \\<@&123456789012345678>',
      ]
        .join('\n')
        .replace(/\n{3,}/g, '\n\n'),
    );
  });

  it('shortens at a paragraph boundary and closes a cut code block', () => {
    const text = `${'First paragraph. '.repeat(5).trim()}\n\n${'Second paragraph. '.repeat(20).trim()}`;
    expect(safeMarkdown(text, 200)).toBe(`${'First paragraph. '.repeat(5).trim()}\n…`);
    const code = `Intro line that is long enough to matter here.\n\n\`\`\`\n${'x = 1\n'.repeat(60)}\`\`\``;
    const cut = safeMarkdown(code, 150);
    expect(cut.length).toBeLessThanOrEqual(150);
    expect((cut.match(/```/g) ?? []).length % 2).toBe(0);
  });

  const markdownish = fc.array(
    fc.oneof(
      fc.string(),
      fc.constantFrom(
        '@everyone',
        '@here',
        '<@123456789012345678>',
        '<@&123>',
        '[a](https://evil.example)',
        '[a](<https://evil.example>)',
        '[[x](https://a.example)](https://b.example)',
        '](',
        '[',
        ']',
        '(',
        ')',
        '```',
        '\n',
        '\n\n',
        '# ',
        '- [x] ',
        '![i](https://i.example/x.png)',
        '<b>',
        '<!--',
        '-->',
        '||',
        'https://ok.example/path',
      ),
    ),
    { maxLength: 60 },
  );

  it('never pings, never hides a link target, always fits (property)', () => {
    fc.assert(
      fc.property(markdownish, fc.integer({ min: 20, max: 600 }), (parts, max) => {
        const out = safeMarkdown(parts.join(''), max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/@(everyone|here)/i);
        expect(out).not.toMatch(/(?<!\\)<[@#]/);
        // No masked link: `](` never survives, so no text can stand for another URL.
        expect(out).not.toContain('](');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('safeMarkdown on hostile sizes', () => {
  it('handles a 65,536-character body of spaces, brackets and hashes (linear patterns)', () => {
    const hostile = `#### ${' '.repeat(30_000)}x${'[a]('.repeat(5_000)}${'<'.repeat(10_000)}`;
    const out = safeMarkdown(hostile, 600);
    expect(out.length).toBeLessThanOrEqual(600);
    expect(out).not.toContain('](');
  });
});
