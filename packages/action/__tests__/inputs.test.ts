import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { readRunContext } from '../src/context';
import { formatDuration, parseDuration } from '../src/durations';
import {
  bool,
  choices,
  duration,
  formatInputError,
  input,
  integer,
  number,
  parseInputs,
  rule,
  type TextRule,
} from '../src/inputs';
import { Secrets } from '../src/runtime';
import { table } from '../src/summary';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['14d', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '30', 'soon', '5 minutes', '-1s'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it.each([
    [850, '850ms'],
    [12_000, '12s'],
    [192_000, '3m 12s'],
    [7_500_000, '2h 5m'],
    [273_600_000, '3d 4h'],
  ])('formats %i ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('parseInputs', () => {
  const schema = {
    retries: input(integer(0, 10), '2'),
    rate: input(number(0, 1), '0.5'),
    flag: input(bool(), 'false'),
    window: input(duration(), '24h'),
    on: input(choices(['a', 'b'] as const), 'a'),
  };

  it('applies defaults to blank inputs', () => {
    expect(parseInputs(schema, () => '  ')).toEqual({
      ok: true,
      value: { retries: 2, rate: 0.5, flag: false, window: 86_400_000, on: ['a'] },
    });
  });

  it('reports one error per bad input, naming the input and the rule', () => {
    const given: Record<string, string> = {
      retries: '11',
      rate: 'half',
      flag: 'maybe',
      window: '2 days',
      on: 'a, c',
    };
    const r = parseInputs(schema, (n) => given[n] ?? '');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatInputError)).toEqual([
      'Input "retries" must be a whole number from 0 to 10, got "11"',
      'Input "rate" must be a number from 0 to 1, got "half"',
      'Input "flag" must be true or false, got "maybe"',
      'Input "window" must be a duration like 500ms, 30s, 15m, 24h or 14d, got "2 days"',
      'Input "on" may only list a, b; "c" is not one',
    ]);
  });
});

describe('rule', () => {
  // What the schema was before it dropped the z.string() step: the same rule behind a string check.
  const piped = <T>(parse: TextRule<T>) =>
    z.pipe(
      z.string(),
      z.transform((text: string, ctx) => {
        const result = parse(text);
        if ('error' in result) {
          ctx.issues.push({ code: 'custom', message: result.error, input: text });
          return z.NEVER;
        }
        return result.value;
      }),
    );
  const rules: [string, TextRule<unknown>][] = [
    ['integer', (t) => (/^\d+$/.test(t) ? { value: Number(t) } : { error: `not a number: ${t}` })],
    ['list', (t) => ({ value: t.split(',') })],
    ['never', (t) => ({ error: `refused ${JSON.stringify(t)}` })],
  ];

  it.each(rules)('gives what the rule gives, as the piped schema did (%s)', (_, parse) => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{1,4}$/)), (text) => {
        const now = z.safeParse(rule(parse), text);
        const before = z.safeParse(piped(parse), text);
        expect(now.success).toBe(before.success);
        expect(now.data).toEqual(before.data);
        expect(now.error?.issues.map((i) => i.message)).toEqual(before.error?.issues.map((i) => i.message));
        const own = parse(text);
        if ('error' in own) expect(now.error?.issues[0]?.message).toBe(own.error);
        else expect(now.data).toEqual(own.value);
      }),
    );
  });
});

describe('readRunContext', () => {
  it('reads the run and links it, attempt included', () => {
    const ctx = readRunContext(
      {
        GITHUB_EVENT_PATH: '/e.json',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: 'acme/mara',
        GITHUB_RUN_ID: '5',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_REF: 'refs/heads/main',
      },
      () => '{"ref":"refs/heads/main"}',
    );
    expect(ctx).toMatchObject({
      owner: 'acme',
      repo: 'mara',
      refName: 'main',
      payload: { ref: 'refs/heads/main' },
    });
    expect(ctx.runUrl).toBe('https://github.com/acme/mara/actions/runs/5/attempts/2');
  });

  it('survives a missing or broken event file', () => {
    expect(readRunContext({ GITHUB_EVENT_PATH: '/x' }, () => '{oops').payload).toEqual({});
  });
});

describe('summary tables and secrets', () => {
  it('escapes pipes, brackets and new lines in cells', () => {
    expect(
      table(
        ['a', 'b'],
        [
          ['x|y', '<b>\nz'],
          [{ md: '[l](u)' }, null],
        ],
      ),
    ).toBe('| a | b |\n| --- | --- |\n| x\\|y | &lt;b&gt;<br>z |\n| [l](u) | — |');
  });

  it('redacts registered secrets, longest first', () => {
    const s = new Secrets();
    s.add('tok123');
    s.add('https://h/x/tok123');
    expect(s.redact('url https://h/x/tok123 and tok123')).toBe('url *** and ***');
  });
});
