import { describe, expect, it } from '@jest/globals';
import { bool, input, parseInputs, text, wait } from '../src/inputs';
import { environmentSecrets, headerSecrets, maskUrl, secret, urlSecrets } from '../src/secrets';

const HOSTILE =
  'https://deploy:hunter22@files.example.com/export?token=tok-abc123&sig=sig-xyz789&X-Amz-Signature=amz-0a1b2c&jwt=eyJhbGciOi.x.y&page=2';
const WEBHOOK = 'https://discord.com/api/webhooks/123456789012345678/hook-Token_42.secret';

describe('maskUrl', () => {
  it('masks user info and every query value outside the plain keys', () => {
    expect(maskUrl(HOSTILE)).toBe(
      'https://***:***@files.example.com/export?token=***&sig=***&X-Amz-Signature=***&jwt=***&page=2',
    );
  });

  it('masks a webhook token in the path', () => {
    expect(maskUrl(WEBHOOK)).toBe('https://discord.com/api/webhooks/123456789012345678/***');
  });

  it('masks what it cannot parse: user info, the whole query and webhook tokens', () => {
    expect(maskUrl('http://us er:pw@[bad/x?token=abc')).toBe('http://***@[bad/x?***');
    expect(maskUrl('not a url /webhooks/1234/abc-def')).toBe('not a url /webhooks/1234/***');
  });
});

describe('maskUrl on hostile URLs', () => {
  it('masks a fragment, and a plain key whose value hides another parameter', () => {
    expect(maskUrl('http://127.0.0.1:1/health?page=1;sig=SEMISECRET2&page=3#access_token=FRAG1')).toBe(
      'http://127.0.0.1:1/health?page=***&page=3#***',
    );
    expect(urlSecrets('http://h.example/x?page=1;sig=SEMISECRET2#access_token=FRAG1')).toEqual(
      expect.arrayContaining(['1;sig=SEMISECRET2', 'FRAG1']),
    );
  });

  it('shows no value under keys that only looked harmless (v, from, since)', () => {
    expect(maskUrl('https://h.example/x?v=FROMSECRET3&since=2026-01-01')).toBe(
      'https://h.example/x?v=***&since=***',
    );
  });

  it('does not turn host-like user info into a mask that blanks the host everywhere', () => {
    expect(urlSecrets('https://discord.com@evil.example/api/webhooks/1/tok-abcdef')).not.toContain(
      'discord.com',
    );
  });
});

describe('urlSecrets', () => {
  it('lists user info (raw and decoded), query values (raw and encoded) and webhook tokens', () => {
    const secrets = urlSecrets(HOSTILE);
    for (const s of ['deploy', 'hunter22', 'tok-abc123', 'sig-xyz789', 'amz-0a1b2c', 'eyJhbGciOi.x.y'])
      expect(secrets).toContain(s);
    expect(secrets).not.toContain('2');
    expect(urlSecrets(WEBHOOK)).toEqual(
      expect.arrayContaining([
        'hook-Token_42.secret',
        'https://discord.com/api/v10/webhooks/123456789012345678/hook-Token_42.secret?wait=true',
      ]),
    );
  });

  it('finds query values in text that is not a URL', () => {
    expect(urlSecrets('http://[::bad?key=s3cr3t&x=1')).toContain('s3cr3t');
  });
});

describe('headerSecrets', () => {
  it('keeps plain headers and lists the token of an Authorization header', () => {
    expect(headerSecrets('Accept', 'application/json')).toEqual([]);
    expect(headerSecrets('Authorization', 'Bearer abc.def')).toEqual(['Bearer abc.def', 'abc.def']);
  });
});

describe('secret rules', () => {
  it('finds every URL in YAML-like text', () => {
    const found = secret.urls(`- url: "https://a.example/h?key=k-111"\n- url: https://u:p4ss@b.example/`);
    expect(found).toEqual(expect.arrayContaining(['k-111', 'p4ss']));
  });

  it('lists each webhook line and its token', () => {
    expect(secret.webhookUrls(`${WEBHOOK}\n\n`)).toEqual(
      expect.arrayContaining([WEBHOOK, 'hook-Token_42.secret']),
    );
  });

  it('reads proxy credentials from the environment', () => {
    expect(environmentSecrets({ https_proxy: 'http://me:pr0xy-pw@proxy:3128' })).toContain('pr0xy-pw');
    expect(environmentSecrets({ HTTP_PROXY: 'http://proxy:3128' })).toEqual([]);
  });
});

describe('parseInputs and declared secrets', () => {
  const schema = {
    token: input(text(), '', { secret: secret.value }),
    flag: input(bool(), 'maybe'),
  };

  it('registers every declared secret before any rule runs or any error is reported', () => {
    const events: string[] = [];
    const result = parseInputs(schema, {
      input: (name) => {
        events.push(`read ${name}`);
        return name === 'token' ? 'ghs_secret-token' : '';
      },
      setSecret: (v) => events.push(`secret ${v}`),
    });
    expect(result.ok).toBe(false);
    expect(events[0]).toBe('read token');
    expect(events[1]).toBe('secret ghs_secret-token');
    expect(events.indexOf('secret ghs_secret-token')).toBeLessThan(events.indexOf('read flag'));
  });
});

describe('wait', () => {
  const schema = { timeout: input(wait(), '10s'), delay: input(wait({ zero: true }), '1s') };
  const parse = (given: Record<string, string>) => parseInputs(schema, (n) => given[n] ?? '');

  it('refuses a wait over six hours with the rule, so no timer overflows', () => {
    expect(parse({ timeout: '99999999d' })).toEqual({
      ok: false,
      errors: [{ input: 'timeout', message: 'must be at most 6h, got "99999999d"' }],
    });
    expect(parse({ timeout: '30000d' }).ok).toBe(false);
    expect(parse({ delay: '30d' }).ok).toBe(false);
  });

  it('accepts six hours and, where allowed, zero', () => {
    expect(parse({ timeout: '6h', delay: '0s' })).toEqual({
      ok: true,
      value: { timeout: 21_600_000, delay: 0 },
    });
  });
});
