import { describe, expect, it } from '@jest/globals';
import { maskUrl, targetSecrets } from '../src/masking';

describe('maskUrl', () => {
  it('masks user, password and secret query values, keeping the rest readable', () => {
    expect(maskUrl('https://admin:hunter22@api.example.com/health?token=abc123&verbose=1&api_key=k')).toBe(
      'https://***:***@api.example.com/health?token=***&verbose=1&api_key=***',
    );
  });

  it('masks signed-URL parameters', () => {
    expect(maskUrl('https://b.example.com/x?X-Amz-Signature=deadbeef&sig=1234&code=9')).toBe(
      'https://b.example.com/x?X-Amz-Signature=***&sig=***&code=***',
    );
  });

  it('leaves a URL without secrets unchanged', () => {
    expect(maskUrl('http://127.0.0.1:8080/health?full=true')).toBe('http://127.0.0.1:8080/health?full=true');
  });
});

describe('targetSecrets', () => {
  it('lists credentials, secret query values (raw and encoded), header values and bearer tokens', () => {
    expect(
      targetSecrets({
        url: 'https://ad%40min:p%40ss@api.example.com/health?token=a%2Bb&page=2',
        headers: { Authorization: 'Bearer tok_123456', Accept: 'application/json' },
      }).sort(),
    ).toEqual(
      ['Bearer tok_123456', 'a+b', 'a%2Bb', 'ad%40min', 'ad@min', 'p%40ss', 'p@ss', 'tok_123456'].sort(),
    );
  });
});
