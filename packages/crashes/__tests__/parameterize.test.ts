import { describe, expect, it } from '@jest/globals';
import { parameterize } from '../src/parameterize';

describe('parameterize', () => {
  it.each([
    ['User jane.doe@example.com not found', 'User <email> not found'],
    ['GET https://api.mara.app/v1/users/42?x=1 failed', 'GET <url> failed'],
    ['Failed host lookup: api.mara.app', 'Failed host lookup: <host>'],
    ['connect to 10.0.0.12 refused', 'connect to <ip> refused'],
    ['connect to 2001:db8::8a2e:370:7334 refused', 'connect to <ip> refused'],
    ['order 3f2504e0-4f89-11d3-9a0c-0305e82c3301 missing', 'order <uuid> missing'],
    ['commit 3f2a9c1d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b', 'commit <hash>'],
    ['etag d41d8cd98f00b204e9800998ecf8427e', 'etag <hash>'],
    ['expired at 2026-11-27T10:00:00Z', 'expired at <date>'],
    ['at Sat, 28 Nov 2026 05:22:07 GMT', 'at <date>'],
    ['started 10:45:03', 'started <time>'],
    [
      'TimeoutException after 0:00:30.000000: Future not completed',
      'TimeoutException after <time>: Future not completed',
    ],
    ['timed out after 1500ms', 'timed out after <duration>'],
    ['retry in 30 seconds', 'retry in <duration>'],
    ['bad pointer 0x7ffdf000', 'bad pointer <hex>'],
    ['session 5e8f9a0b1c2d', 'session <hex>'],
    ['index 12 of 7', 'index <num> of <num>'],
    ['Not in inclusive range 0..4: 7', 'Not in inclusive range <num>..<num>: <num>'],
    ['ratio 3.14 too high', 'ratio <num> too high'],
    ['name="Jane" enabled=true', 'name=<str> enabled=<bool>'],
    ["mode='dark'", 'mode=<str>'],
    ['Null check operator used on a null value', 'Null check operator used on a null value'],
  ])('%s → %s', (input, expected) => {
    expect(parameterize(input)).toBe(expected);
  });

  it('applies e-mail before host name and URL before integer, in REFERENCE order', () => {
    expect(parameterize('mail a@b.com via https://x.io:8080/p/7 as 7')).toBe(
      'mail <email> via <url> as <num>',
    );
  });
});
