import { describe, expect, it } from '@jest/globals';
import { displayUri, isIban, scrub } from '../src/scrub';

describe('scrub (REFERENCE §5)', () => {
  it.each([
    ['e-mail', 'no account for jane.doe+test@example.co.uk', 'no account for [email]'],
    [
      'bearer token',
      'header Authorization=Bearer sk_live_51HxQ2abc.def-ghi',
      'header Authorization=Bearer [token]',
    ],
    [
      'JWT',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired',
      'token [token] expired',
    ],
    [
      'GitHub classic token',
      'push as ghp_16C7e42F292c6912E7710c838347Ae178B4a failed',
      'push as [token] failed',
    ],
    [
      'GitHub fine-grained token',
      'GH_TOKEN=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV ok',
      'GH_TOKEN=[Filtered] ok',
    ],
    ['GitHub app token', 'ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 expired', '[token] expired'],
    [
      'Slack bot token',
      'slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx refused',
      'slack [token] refused',
    ],
    [
      'Stripe secret key',
      'stripe key sk_live_4eC39HqLyjWDarjtT1zdp7dc rejected',
      'stripe key [token] rejected',
    ],
    ['Stripe restricted key', '(rk_test_51HxQ2abcDEF0123456789) bad', '([token]) bad'],
    ['AWS access key id', 'aws AKIAIOSFODNN7EXAMPLE denied', 'aws [token] denied'],
    ['vendor token as a value', 'token=ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'token=[Filtered]'],
    ['password=', 'login failed password=hunter2 user=bob', 'login failed password=[Filtered] user=bob'],
    ['JSON secret', '{"client_secret": "s3cr3t-value", "id": 4}', '{"client_secret": "[Filtered]", "id": 4}'],
    ['api_key', 'GET /v1?api_key=AKIA1234567890&page=2', 'GET /v1?api_key=[Filtered]&page=2'],
    ['x-api-key header', 'X-Api-Key: 0f9e8d7c6b', 'X-Api-Key: [Filtered]'],
    ['private-key', 'private-key: abc123', 'private-key: [Filtered]'],
    ['credentials', 'credentials=user1:pw1', 'credentials=[Filtered]'],
    ['passwd', 'passwd:letmein', 'passwd:[Filtered]'],
    ['Visa card', 'charge 4111 1111 1111 1111 failed', 'charge [creditcard] failed'],
    ['Amex card', 'card 378282246310005 declined', 'card [creditcard] declined'],
    ['Mastercard with dashes', 'card 5555-5555-5555-4444 declined', 'card [creditcard] declined'],
    ['IBAN', 'refund to DE89370400440532013000 failed', 'refund to [iban] failed'],
    ['IBAN with spaces', 'to GB29 NWBK 6016 1331 9268 19 ok', 'to [iban] ok'],
    [
      'URL credentials',
      'fetch https://bob:pa55@files.mara.app/x failed',
      'fetch https://[auth]@files.mara.app/x failed',
    ],
    ['IPv4', 'from 192.168.1.20:443', 'from [ip]:443'],
    ['IPv6', 'from 2001:db8:85a3::8a2e:370:7334 and ::1', 'from [ip] and [ip]'],
    ['international phone', 'call +49 30 1234567 now', 'call [phone] now'],
    ['US phone', 'call (555) 123-4567 now', 'call [phone] now'],
    ['home path', '/home/jdoe/app/lib/main.dart', '/home/[user]/app/lib/main.dart'],
    ['macOS path', 'file:///Users/jane/dev/mara/lib/a.dart', 'file:///Users/[user]/dev/mara/lib/a.dart'],
    ['Windows path', 'C:\\Users\\Jane Doe\\AppData', 'C:\\Users\\[user]\\AppData'],
  ])('%s', (_name, input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  it('replaces a PEM private key block whole', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc==\n-----END RSA PRIVATE KEY-----';
    expect(scrub(`key: ${pem} loaded`)).toBe('key: [Filtered] loaded');
  });

  it('leaves words that merely start like a vendor token alone', () => {
    for (const text of [
      'ghp_short',
      'my_ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      'AKIA123',
      'sk_live_',
      'xoxb-1',
    ]) {
      expect(scrub(text)).toBe(text);
    }
  });

  it('leaves ordinary crash text alone', () => {
    const text =
      'Null check operator used on a null value; Bearer token missing; RangeError (index): Invalid value: Not in inclusive range 0..4: 7 at 10:45:03 on 2026-11-27, build 12345678';
    expect(scrub(text)).toBe(text);
  });

  it('keeps an upper-case code that fails the IBAN check digits', () => {
    expect(isIban('DE89370400440532013000')).toBe(true);
    expect(isIban('DE00370400440532013000')).toBe(false);
    expect(scrub('code DE00370400440532013000')).toBe('code DE00370400440532013000');
  });

  it('scrubs several kinds in one message and never re-scrubs a placeholder', () => {
    expect(scrub('jane@example.com at 10.1.2.3 token=eyJhbGciOiJ9.eyJzdWIiOiIxIn0.sig')).toBe(
      '[email] at [ip] token=[token]',
    );
  });
});

describe('displayUri', () => {
  it('reduces file: paths to their basename and keeps package: URIs', () => {
    expect(displayUri('file:///Users/jane/dev/mara/lib/main.dart')).toBe('main.dart');
    expect(displayUri('/Users/jane/dev/mara/lib/main.dart')).toBe('main.dart');
    expect(displayUri('C:\\Users\\Jane\\mara\\lib\\main.dart')).toBe('main.dart');
    expect(displayUri('package:mara/src/a.dart')).toBe('package:mara/src/a.dart');
    expect(displayUri('dart:core/iterable.dart')).toBe('dart:core/iterable.dart');
  });
});
