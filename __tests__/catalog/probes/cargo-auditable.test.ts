import { constants, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plausibleJsonDeflate } from '../../../src/catalog/probes/cargo-auditable.js';

const STRATEGIES = [
  constants.Z_DEFAULT_STRATEGY,
  constants.Z_FILTERED,
  constants.Z_HUFFMAN_ONLY,
  constants.Z_RLE,
  constants.Z_FIXED,
];

describe('plausibleJsonDeflate', () => {
  it('accepts every zlib stream of audit JSON, at every level and strategy (stored, fixed and dynamic blocks)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.string(), version: fc.string() }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(...STRATEGIES),
        (packages, level, strategy) => {
          const z = deflateSync(JSON.stringify({ packages }), { level, strategy });
          expect(plausibleJsonDeflate(z)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects most zlib-looking byte pairs in random data before any inflater is made', () => {
    let accepted = 0;
    const runs = 20_000;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (tail) => {
        const buf = Buffer.concat([Buffer.from([0x78, 0x9c]), tail]);
        if (plausibleJsonDeflate(buf)) accepted++;
      }),
      { numRuns: runs },
    );
    expect(accepted / runs).toBeLessThan(0.05);
  });

  it('rejects the reserved block type', () => {
    expect(plausibleJsonDeflate(Buffer.from([0x78, 0x9c, 0b110, 0, 0, 0, 0, 0]))).toBe(false);
  });
});
