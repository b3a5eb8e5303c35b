import { describe, expect, it } from '@jest/globals';
import { githubMarkdown } from '../src/markdown';
import { closeEvents, parsePreviewArgs } from '../src/preview';

describe('pnpm preview arguments', () => {
  it('asks for help', () => {
    expect(parsePreviewArgs(['--help'])).toEqual({ help: true });
    expect(parsePreviewArgs(['-h'])).toEqual({ help: true });
  });

  it('says an event has no example payload and names the close ones', () => {
    expect(parsePreviewArgs(['--event', 'pull-request'])).toEqual({
      error:
        'GitHub has no example payload for the event "pull-request"; did you mean pull_request, pull_request_review, pull_request_review_comment, pull_request_review_thread? (or pass your own with --payload file.json)',
    });
    expect(closeEvents('workflowrun')).toEqual(['workflow_run']);
    expect(closeEvents('relase')).toEqual(['release']);
  });

  it('accepts known events, and schedule with a bare payload', () => {
    expect(parsePreviewArgs(['--event', 'push', '--input', 'status=failure'])).toEqual({
      event: 'push',
      inputs: { status: 'failure' },
    });
    expect(parsePreviewArgs(['--event', 'schedule'])).toEqual({ event: 'schedule', inputs: {} });
  });
});

describe('job summary HTML', () => {
  it('renders details, summary, br and tables as GitHub does, drops attributes, shows the rest as text', () => {
    const html = githubMarkdown(
      '<details open onclick="x()"><summary>JSON payload</summary>\n\nbody\n</details>\n\nline<br>next <script>alert(1)</script> <img src=x onerror=y>',
    );
    expect(html).toContain('<details open><summary>JSON payload</summary>');
    expect(html).toContain('</details>');
    expect(html).toContain('line<br>next');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toMatch(/<script|<img|onclick|onerror=y>/);
  });
});
