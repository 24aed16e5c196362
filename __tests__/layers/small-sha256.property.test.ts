import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smallSha256, SMALL_SHA256_MAX_BYTES } from '../../src/layers/small-sha256.js';

const reference = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('smallSha256', () => {
  it('is node:crypto SHA-256 for every length it takes', () => {
    for (let n = 0; n <= SMALL_SHA256_MAX_BYTES; n++) {
      const data = Buffer.alloc(n);
      for (let i = 0; i < n; i++) data[i] = (i * 131 + n * 7 + 0x5a) & 0xff;
      const out = Buffer.alloc(32);
      smallSha256(data, out);
      expect([n, out.toString('hex')]).toEqual([n, reference(data)]);
    }
  });

  it('is node:crypto SHA-256 for random inputs, written at any offset, calls in a row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: SMALL_SHA256_MAX_BYTES }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 40 }),
        (inputs, offset) => {
          for (const data of inputs) {
            const out = Buffer.alloc(offset + 32, 0xee);
            smallSha256(data, out, offset);
            expect(out.subarray(offset).toString('hex')).toBe(reference(data));
            expect(out.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses longer inputs', () => {
    expect(() => smallSha256(Buffer.alloc(SMALL_SHA256_MAX_BYTES + 1), Buffer.alloc(32))).toThrow(RangeError);
  });
});
