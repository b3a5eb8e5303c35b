import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseDartStackTrace } from '../src/dart-stack';
import { parameterize } from '../src/parameterize';
import { JsonArraySplitter } from '../src/reader';
import { scrub } from '../src/scrub';

describe('properties', () => {
  it('JsonArraySplitter yields exactly the elements JSON.parse sees, however the text is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (values, sizes, pretty) => {
          const text = pretty ? JSON.stringify(values, null, 2) : JSON.stringify(values);
          const out: string[] = [];
          const splitter = new JsonArraySplitter((t) => out.push(t));
          for (let i = 0, k = 0; i < text.length; k++) {
            const size = sizes[k % sizes.length] as number;
            splitter.push(text.slice(i, i + size));
            i += size;
          }
          splitter.end();
          expect(out.map((t) => JSON.parse(t) as unknown)).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the Dart trace parser never throws and never invents frames from prose', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const t = parseDartStackTrace(text.replace(/#/g, ''));
        expect(t.frames.filter((f) => !/^(package|dart|file|org-dartlang-sdk):/.test(f.uri))).toEqual([]);
      }),
    );
  });

  it('scrubbing twice changes nothing more, and parameterizing twice neither', () => {
    const piece = fc.constantFrom(
      'jane@example.com',
      'Bearer abcdefgh12345678',
      'password=hunter2',
      '4111 1111 1111 1111',
      'DE89370400440532013000',
      '10.1.2.3',
      '+49 30 1234567',
      '/home/jane/x',
      'https://u:p@h.io/x',
      'at 10:45:03',
      'id 42',
      ' ',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 8 }), (parts) => {
        const text = parts.join(' ');
        expect(scrub(scrub(text))).toBe(scrub(text));
        expect(parameterize(parameterize(text))).toBe(parameterize(text));
      }),
      { numRuns: 500 },
    );
  });
});
