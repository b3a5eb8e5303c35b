import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { realisticCorpusLines } from '@sre-toolkit/testkit';
import { SCRUB_STEPS, runScrubStep, scrub, scrubPemBlocks, traitsOf } from '../src/scrub';

/** Every step on every text, as the scrubber ran before it learned to skip steps. */
function scrubEveryStep(text: string): string {
  return SCRUB_STEPS.reduce((out, step) => runScrubStep(step, out), scrubPemBlocks(text));
}

/** What each step's condition reads: pieces that come near every one of them. */
const PIECES = [
  'jane@example.com',
  'https://bob:pa55@files.mara.app/x',
  'http://[::1]:8080/',
  'Bearer abcdefgh12345678',
  'bearer\u00a0abcdefgh12345678',
  'password=hunter2',
  'api_key: x',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'xoxb-1234567890',
  'xoxb-123456789',
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'AKIAIOSFODNN7EXAMPLE',
  '4111 1111 1111 1111',
  '378282246310005',
  'DE89370400440532013000',
  'GB29 NWBK 6016 1331 9268 19',
  '10.1.2.3',
  '2001:db8:85a3::8a2e:370:7334',
  '::1',
  '+49 30 1234567',
  '(555) 123-4567',
  '/home/jane/x',
  'file:///Users/jane/dev/a.dart',
  'C:\\Users\\Jane Doe\\AppData',
  'c:/users/jane/x',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
  '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
  'package:mara/src/feed/feed_load.dart',
  '_FeedPageState._load.<anonymous closure>',
  '#12     Foo.bar',
  ':',
  '=',
  '@',
  '+',
  '.',
  '/',
  '\\',
  '\u2028',
  '\u3000',
];

describe('the scrubber skips a step only when it cannot match', () => {
  it('gives what running every step gives, on texts made of what each step looks for', () => {
    const piece = fc.constantFrom(...PIECES);
    const glue = fc.constantFrom('', ' ', ':', '=', '@', '.', '-', '_', '/', '\t', '\u00a0', 'x', '7');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(piece, fc.string({ maxLength: 12 })), glue), { maxLength: 10 }),
        (parts) => {
          const text = parts.map(([p, g]) => p + g).join('');
          expect(scrub(text)).toBe(scrubEveryStep(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never skips a step that would have changed the text (each condition is necessary)', () => {
    const piece = fc.constantFrom(...PIECES);
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 20 })), { maxLength: 6 }), (parts) => {
        const text = parts.join(' ');
        for (const [i, step] of SCRUB_STEPS.entries()) {
          if (!step.when) continue;
          const run = step.run;
          const changed =
            typeof run === 'function'
              ? run(text) !== text
              : typeof run[1] === 'string'
                ? text.replace(run[0], run[1]) !== text
                : text.replace(run[0], run[1]) !== text;
          if (changed) expect([i, step.when(traitsOf(text), text)]).toEqual([i, true]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('gives what running every step gives on every text of the realistic export', () => {
    const texts = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === 'string') {
        texts.add(v);
        // The intake scrubs a trace's frames by parts: each line, and around ` (`.
        for (const line of v.split('\n')) {
          texts.add(line);
          const open = line.lastIndexOf(' (');
          if (open !== -1) texts.add(line.slice(0, open)).add(line.slice(open + 2, -1));
        }
      } else if (typeof v === 'object' && v !== null) {
        for (const [k, child] of Object.entries(v)) {
          texts.add(k);
          collect(child);
        }
      }
    };
    for (const line of realisticCorpusLines({ now: Date.UTC(2026, 10, 30), reports: 1000, seed: 9 })) {
      collect(JSON.parse(line));
    }
    let changed = 0;
    for (const text of texts) {
      const expected = scrubEveryStep(text);
      if (expected !== text) changed++;
      expect(scrub(text)).toBe(expected);
    }
    // The export does carry personal data: the comparison covered texts that were scrubbed.
    expect(changed).toBeGreaterThan(100);
  });

  it('reads the traits the conditions need', () => {
    expect(traitsOf('AB12 x')).toMatchObject({ capsDigits: true, digits: 2, space: true });
    expect(traitsOf('Ab12')).toMatchObject({ capsDigits: false });
    expect(traitsOf('a_b-c9 d')).toMatchObject({ wordRun: 6 });
    expect(traitsOf('C:\\x')).toMatchObject({ drive: true, colons: 1 });
    expect(traitsOf('package:mara/x')).toMatchObject({ drive: false });
    expect(traitsOf('x\u00a0y')).toMatchObject({ space: true });
    expect(traitsOf('a.b@c=d+e')).toMatchObject({
      dots: 1,
      at: true,
      equals: true,
      plus: true,
      space: false,
    });
  });
});
