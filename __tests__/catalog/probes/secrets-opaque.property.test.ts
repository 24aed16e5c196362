import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BINARY_SNIFF_BYTES,
  isBinaryContent,
  isOpaqueContent,
  OPAQUE_MAGICS,
} from '../../../src/catalog/probes/secrets.js';

/** The byte-wise magic and NUL checks answer as the plain Buffer comparisons do. */
const plainOpaque = (head: Buffer) =>
  OPAQUE_MAGICS.some((m) => head.length >= m.length && head.subarray(0, m.length).equals(m));
const plainBinary = (head: Buffer) => head.subarray(0, BINARY_SNIFF_BYTES).includes(0);

const magicPrefix = fc
  .constantFrom(...OPAQUE_MAGICS)
  .chain((m) => fc.integer({ min: 0, max: m.length }).map((n) => m.subarray(0, n)));
const head = fc
  .tuple(fc.oneof(magicPrefix, fc.constant(Buffer.alloc(0))), fc.uint8Array({ maxLength: 12 }), fc.boolean())
  .map(([prefix, rest, flip]) => {
    const b = Buffer.concat([prefix, rest]);
    if (flip && b.length > 1) b[b.length - 1] = b[b.length - 1]! ^ 1;
    return b;
  });

describe('secrets probe content checks', () => {
  it('tell compressed and image content as the plain comparison does', () => {
    fc.assert(
      fc.property(head, (h) => {
        expect(isOpaqueContent(h)).toBe(plainOpaque(h));
      }),
      { numRuns: 5000 },
    );
  });

  it('tell binary content as the plain search does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9000 }),
        fc.option(fc.integer({ min: 0, max: 8999 })),
        (length, nul) => {
          const b = Buffer.alloc(length, 0x61);
          if (nul !== null && nul < length) b[nul] = 0;
          expect(isBinaryContent(b)).toBe(plainBinary(b));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
