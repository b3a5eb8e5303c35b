import { describe, expect, it } from '@jest/globals';
import { discordMarkdown, githubMarkdown } from '../src/markdown';

describe('discordMarkdown', () => {
  it('highlights mentions and renders Discord timestamps', () => {
    expect(discordMarkdown('<@&445566778899001122> broken since <t:1795830761:f>')).toBe(
      '<p><span class="mention">@role 1122</span> broken since <span class="timestamp">2026-11-28 01:52 UTC</span></p>\n',
    );
  });

  it('shows raw HTML as text and drops non-http links', () => {
    expect(discordMarkdown('<img src=x onerror=alert(1)> [x](javascript:alert(1))')).toBe(
      '<p>&#60;img src=x onerror=alert(1)&#62; <a href="#">x</a></p>\n',
    );
  });

  it('honours backslash escapes as Discord does', () => {
    expect(discordMarkdown('\\*\\*not bold\\*\\*')).toBe('<p>**not bold**</p>\n');
  });
});

describe('githubMarkdown', () => {
  it('renders summary tables', () => {
    expect(githubMarkdown('| a | b |\n| --- | --- |\n| 1 | 2 |')).toContain('<td>1</td>');
  });
});
