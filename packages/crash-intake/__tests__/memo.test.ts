import { describe, expect, it } from '@jest/globals';
import { realisticCorpusLines } from '@sre-toolkit/testkit';
import { ReportChecker, scrubReport, scrubTraceLine } from '../src/accept';
import { KeyNames, Memo } from '../src/memo';

const KEY = Buffer.alloc(32, 7);

describe('the memo of a pure function', () => {
  it('computes a text once while it recurs, and keeps at most two generations', () => {
    const calls: string[] = [];
    const memo = new Memo(
      (t) => {
        calls.push(t);
        return t.toUpperCase();
      },
      3,
      10,
    );
    expect(['a', 'b', 'a', 'c', 'a'].map((t) => memo.get(t))).toEqual(['A', 'B', 'A', 'C', 'A']);
    expect(calls).toEqual(['a', 'b', 'c']);
    // The generation is full: `d` starts a new one; `a`, still wanted, moves over from the old one.
    memo.get('d');
    memo.get('a');
    memo.get('e');
    // `f` finds (d, a, e) full: that becomes the old generation and (a, b, c) is dropped.
    memo.get('f');
    memo.get('g');
    calls.length = 0;
    memo.get('a');
    memo.get('b');
    expect(calls).toEqual(['b']);
  });

  it('passes texts over the length limit through without keeping them', () => {
    let n = 0;
    const memo = new Memo((t) => `${t}${++n}`, 4, 3);
    expect(memo.get('abcd')).toBe('abcd1');
    expect(memo.get('abcd')).toBe('abcd2');
    expect(memo.get('abc')).toBe('abc3');
    expect(memo.get('abc')).toBe('abc3');
  });
});

describe('the checker with its memos', () => {
  it('stores exactly what scrubbing each report afresh gives, over the realistic export', () => {
    const checker = new ReportChecker(['mara'], KEY, () => Date.now());
    const lines = [...realisticCorpusLines({ now: Date.now(), reports: 3000, seed: 5 })];
    // Twice over: the second pass is answered from the memos.
    for (const pass of [1, 2]) {
      const checked = checker.check(lines.slice(0, 100).map((l) => JSON.parse(l) as unknown));
      if ('error' in checked) throw new Error(checked.error);
      expect([pass, checked.rejected]).toEqual([pass, []]);
      for (const line of lines) {
        const one = checker.check(JSON.parse(line) as unknown);
        if ('error' in one) throw new Error(one.error);
        const fresh = scrubReport(JSON.parse(line) as Record<string, unknown>, KEY);
        expect(one.accepted[0]?.line).toBe(JSON.stringify(fresh));
      }
    }
  });
});

describe('the memo of scrubbed trace lines', () => {
  const reports = [...realisticCorpusLines({ now: Date.now(), reports: 2000, seed: 9 })].map(
    (l) => JSON.parse(l) as Record<string, unknown>,
  );
  // Personal data and secrets in frames and between them, each sent again in later reports.
  const hostile = [
    '#0      AuthRepository.signIn (file:///Users/jane/dev/mara/lib/auth.dart:142:9)',
    'Exception: token=sk_live_abc123 for jane@example.com',
    '#1      Api.call (https://user:pass@api.example.com/v1/x.dart:12)',
    '#2      ghp_0123456789abcdefghijABCDEFGHIJ012345.run (package:mara/a.dart:1:2)',
  ];
  for (const [i, r] of reports.entries()) {
    if (i % 7 === 0 && typeof r.stackTrace === 'string')
      r.stackTrace = `${hostile.join('\n')}\n${r.stackTrace}`;
  }

  it('gives every trace exactly as scrubbing it afresh, computing each recurring line once', () => {
    const computed: string[] = [];
    const traceLines = new Memo((line) => {
      computed.push(line);
      return scrubTraceLine(line);
    }, 100_000);
    let lines = 0;
    for (const r of reports) {
      lines += typeof r.stackTrace === 'string' ? r.stackTrace.split('\n').length : 0;
      expect(JSON.stringify(scrubReport(r, KEY, { traceLines }))).toBe(JSON.stringify(scrubReport(r, KEY)));
    }
    expect(new Set(computed).size).toBe(computed.length);
    // Obfuscated frames (a load address each) pass the memo by.
    expect(computed.filter((l) => l.includes(' abs '))).toEqual([]);
    expect(computed.length).toBeLessThan(lines / 5);
  });

  it('gives the same traces when its generations turn over all the time', () => {
    const traceLines = new Memo((line) => scrubTraceLine(line), 16);
    for (const r of reports) {
      expect(JSON.stringify(scrubReport(r, KEY, { traceLines }))).toBe(JSON.stringify(scrubReport(r, KEY)));
    }
  });
});

describe('the memo of Sentry key names', () => {
  it('reads a name once while it is kept, passes long names by and starts over when full', () => {
    const reads: string[] = [];
    const keys = new KeyNames(
      (k) => {
        reads.push(k);
        return { name: k.toUpperCase(), secret: k.startsWith('s') };
      },
      2,
      5,
    );
    expect(['ab', 'ab', 'secret', 'secret', 'sx'].map((k) => keys.get(k))).toEqual([
      { name: 'AB', secret: false },
      { name: 'AB', secret: false },
      { name: 'SECRET', secret: true },
      { name: 'SECRET', secret: true },
      { name: 'SX', secret: true },
    ]);
    expect(reads).toEqual(['ab', 'secret', 'secret', 'sx']);
    // (ab, sx) was full: `cd` started a new map, so `ab` is read again.
    keys.get('cd');
    keys.get('ab');
    expect(reads.slice(4)).toEqual(['cd', 'ab']);
  });

  it('stores Sentry events exactly as scrubbing them afresh, hostile key names included', () => {
    const keys = new KeyNames((k) => {
      const fresh = scrubReport({ exception: {}, [k]: 'v' }, KEY);
      const name = Object.keys(fresh).find((n) => n !== 'exception') as string;
      return { name, secret: fresh[name] === '[Filtered]' };
    });
    const events = [...realisticCorpusLines({ now: Date.now(), reports: 3000, seed: 11 })]
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => 'exception' in r);
    expect(events.length).toBeGreaterThan(100);
    const hostile = {
      password: 'hunter2',
      'jane@example.com': 'x',
      api_key: 'k',
      'token=abc123secret': 'y',
      nested: { Authorization: 'Bearer abcdefghijkl', 'card 4111 1111 1111 1111': 1 },
    };
    for (const [i, event] of events.entries()) {
      const sent =
        i % 5 === 0
          ? { ...event, extra: hostile, contexts: { ...(event.contexts as object), hostile } }
          : event;
      for (const pass of [1, 2]) {
        expect([pass, JSON.stringify(scrubReport(sent, KEY, { keys }))]).toEqual([
          pass,
          JSON.stringify(scrubReport(sent, KEY)),
        ]);
      }
    }
  });
});
