import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarkerSearch } from '../../../src/catalog/probes/marker-search.js';

/**
 * However the bytes are chunked, the search finds what it finds over the whole buffer at once (the
 * carry between chunks is searched apart from the chunk, which is no longer copied).
 */
function run(marker: string, span: number, chunks: Buffer[]): { found: string | undefined; seen: string[] } {
  const seen: string[] = [];
  // Accept a text only when its last character is '!' (so some markers are passed over).
  const search = new MarkerSearch(Buffer.from(marker, 'latin1'), span, (t) => {
    seen.push(t);
    return t.endsWith('!') ? t : undefined;
  });
  for (const c of chunks) search.write(c);
  search.end();
  return { found: search.result, seen };
}

const piece = fc.constantFrom(
  'BusyBox v',
  'Busy',
  'Box v',
  'v1.36!',
  '!',
  'x',
  'BusyBox vv!',
  '\0\0',
  'BBusyBox v1!',
);
const dataArb = fc.array(piece, { maxLength: 40 }).map((parts) => Buffer.from(parts.join(''), 'latin1'));

describe('MarkerSearch', () => {
  it('finds the same banner and passes over the same texts whatever the chunking', () => {
    fc.assert(
      fc.property(
        dataArb,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 12 }),
        (data, cuts, span) => {
          const whole = run('BusyBox v', span, [data]);
          const chunks: Buffer[] = [];
          let at = 0;
          for (let i = 0; at < data.length; i++) {
            const n = cuts[i % cuts.length]!;
            chunks.push(data.subarray(at, at + n));
            at += n;
          }
          const chunked = run('BusyBox v', span, chunks);
          expect(chunked.found).toBe(whole.found);
          expect(chunked.seen).toEqual(whole.seen);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
