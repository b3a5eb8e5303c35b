import { describe, expect, it } from '@jest/globals';
import { crashCorpusLines, DAY, HOUR, sampleCrashReport, validateWebhookBody } from '@sre-toolkit/testkit';
import { toDigest, windowLabel } from '../src/digest';
import { alertMessages, digestMessages } from '../src/digest-messages';
import { digestMarkdown } from '../src/digest-summary';
import { CrashGrouper } from '../src/groups';

const NOW = Date.parse('2026-11-28T06:00:00Z');
const ctx = {
  where: 'mara',
  url: 'https://github.com/acme/mara/actions/runs/1',
  top: 10,
  windowLabel: '24h',
};
const mentions = { users: [], roles: ['123456789012345678'], here: false, everyone: false };

function corpusDigest(scrub = true) {
  const g = new CrashGrouper({
    appPackages: ['mara'],
    now: NOW,
    windowMs: DAY,
    spikeFactor: 3,
    minEvents: 10,
  });
  for (const l of crashCorpusLines({ now: NOW })) g.addText(l);
  return toDigest(g.result(), scrub);
}

/** `n` distinct groups, each a new bug in its own file, with long messages. */
function manyGroups(n: number) {
  const g = new CrashGrouper({
    appPackages: ['mara'],
    now: NOW,
    windowMs: DAY,
    spikeFactor: 3,
    minEvents: 10,
  });
  for (let i = 0; i < n; i++) {
    g.addValue(
      sampleCrashReport(
        {
          type: `Error${i}`,
          message: `${'a long explanation of what went wrong '.repeat(8)}#${'x'.repeat(i)}`,
          stackTrace: `#0      Bug${i}.run (package:mara/src/bug_${i}.dart:1:1)`,
        },
        NOW,
      ),
    );
  }
  return toDigest(g.result(), true);
}

describe('digest messages', () => {
  it('titles the digest with what happened and where, links the run, and lists the top groups', () => {
    const [msg, ...rest] = digestMessages(corpusDigest(), ctx);
    expect(rest).toEqual([]);
    const [summary, news] = msg?.embeds ?? [];
    expect(summary?.title).toBe('⚠️ 176 crashes in mara in the last 24h: 8 groups, 1 new');
    expect(summary?.url).toBe(ctx.url);
    expect(summary?.color).toBe(0xd29922);
    expect(summary?.description).toBe(
      '**176** reports · **8** groups · **17** fatal · **123** users affected · **3** rejected',
    );
    expect(summary?.fields?.map((f) => f.name)).toEqual([
      '1. ClientException: Request to \\<url\\> failed for \\<email\\> from \\<ip\\>: \\<num\\> \\(Authorization: Bearer \\[token\\]\\)',
      '2. \\_TypeError: Null check operator used on a null value',
      '3. SocketException: Connection refused \\(OS Error: Connection refused, errno = \\<num\\>\\), address = \\<ip\\>, port = \\<num\\>',
      '4. FormatException: Invalid radix-\\<num\\> number \\(at character \\<num\\>\\)',
      '5. StateError: Bad state: No element',
      '6. RangeError: RangeError \\(index\\): Invalid value: Not in inclusive range \\<num\\>..\\<num\\>: \\<num\\>',
      '7. StateError: Bad state: No element',
      '8. StackOverflowError: Stack Overflow',
    ]);
    expect(summary?.fields?.[0]?.value).toBe(
      '**60** events ↑ (baseline 2/window) · **30** users · v2.4.0 · android, ios · 📈 spike\n`api_client.dart in ApiClient._send`\n`fp:v2:7e0c20ff35f99694`',
    );
    expect(news?.title).toBe('🆕 1 new group');
    expect(news?.description).toBe('• StateError: Bad state: No element: **12** events, 9 users');
    expect(news?.footer?.text).toBe('fp:v2 · window 2026-11-27T06:00:00.000Z → 2026-11-28T06:00:00.000Z');
    expect(msg?.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
  });

  it('says so in green when the window has no crashes', () => {
    const g = new CrashGrouper({
      appPackages: ['mara'],
      now: NOW,
      windowMs: DAY,
      spikeFactor: 3,
      minEvents: 10,
    });
    const [msg] = digestMessages(toDigest(g.result(), true), ctx);
    expect(msg?.embeds?.[0]?.title).toBe('✅ No crashes in mara in the last 24h');
    expect(msg?.embeds?.[0]?.color).toBe(0x2ea043);
  });

  it('splits a long digest into several embeds and messages within Discord limits', () => {
    const d = manyGroups(50);
    const messages = digestMessages(d, { ...ctx, top: 50 });
    expect(messages.length).toBeGreaterThan(1);
    const fields = messages.flatMap((m) => m.embeds ?? []).flatMap((e) => e.fields ?? []);
    expect(fields).toHaveLength(50);
    for (const m of messages) expect(validateWebhookBody(m as Record<string, unknown>, false)).toBeNull();
  });

  it('names every critical group once in one alert, pinging only the configured role', () => {
    const [msg, ...rest] = alertMessages(corpusDigest(), ctx, mentions);
    expect(rest).toEqual([]);
    expect(msg?.content).toBe('<@&123456789012345678>');
    expect(msg?.allowed_mentions).toEqual({ parse: [], users: [], roles: ['123456789012345678'] });
    expect(msg?.embeds?.[0]?.title).toBe(
      '❌ 3 critical crash groups in mara: 1 new fatal, 1 regression, 1 spike',
    );
    expect(msg?.embeds?.[0]?.color).toBe(0xd1242f);
    expect(msg?.embeds?.[0]?.fields?.map((f) => f.name)).toEqual([
      '📈 spike: ClientException: Request to \\<url\\> failed for \\<email\\> from \\<ip\\>: \\<num\\> \\(Authorization: Bearer \\[token\\]\\)',
      '🆕 new fatal: StateError: Bad state: No element',
      '🔁 regressed: RangeError: RangeError \\(index\\): Invalid value: Not in inclusive range \\<num\\>..\\<num\\>: \\<num\\>',
    ]);
  });

  it('sends no alert when nothing is critical, and splits 30 critical groups across embeds', () => {
    const g = new CrashGrouper({
      appPackages: ['mara'],
      now: NOW,
      windowMs: DAY,
      spikeFactor: 3,
      minEvents: 10,
    });
    expect(alertMessages(toDigest(g.result(), true), ctx, mentions)).toEqual([]);
    const messages = alertMessages(manyGroups(30), ctx, mentions);
    expect(messages.flatMap((m) => m.embeds ?? []).flatMap((e) => e.fields ?? [])).toHaveLength(30);
    expect(messages.filter((m) => m.content)).toHaveLength(1);
    for (const m of messages) expect(validateWebhookBody(m as Record<string, unknown>, false)).toBeNull();
  });

  it('scrubs titles and samples unless scrub is off', () => {
    const scrubbed = JSON.stringify(corpusDigest(true));
    const raw = JSON.stringify(corpusDigest(false));
    expect(scrubbed).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(raw).toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(scrubbed).not.toContain('/Users/jane');
  });

  it('names windows the way people do', () => {
    expect([DAY, 2 * DAY, 7 * DAY, 6 * HOUR, 36 * HOUR, 90 * 60_000].map(windowLabel)).toEqual([
      '24h',
      '2d',
      '7d',
      '6h',
      '36h',
      '1h 30m',
    ]);
  });

  it('renders the summary as tables', () => {
    const md = digestMarkdown(corpusDigest(), ctx);
    expect(md).toContain(
      '| reports | groups | fatal | users affected | new | critical | rejected |\n| --- | --- | --- | --- | --- | --- | --- |\n| 176 | 8 | 17 | 123 | 1 | 3 | 3 |',
    );
    expect(md).toContain('#### Top 8 groups');
    expect(md).toContain('| spike | ClientException: Request to &lt;url&gt;');
    expect(md).toContain('| not valid JSON | 1 |');
  });
});
