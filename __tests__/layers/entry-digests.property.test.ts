import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLayer } from '../../src/layers/read-layer.js';
import type { CaptureSpec } from '../../src/layers/types.js';
import { memoryLayer } from '../helpers/memory-layer.js';
import { makeTar, sha256 } from '../helpers/tar.js';

const NO_CAPTURE: CaptureSpec = { globs: [], maxFileBytes: 0, probes: [] };

/**
 * A file whose content arrives in one chunk is hashed in one shot (crypto.hash), one that arrives in
 * several incrementally: whatever the chunking, every file's SHA-256 is the SHA-256 of its bytes.
 */
describe('file digests', () => {
  it('are the SHA-256 of the content however the stream is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4096 }),
        async (contents, chunkSize) => {
          const files = contents.map((c, i) => ({ name: `f${i}`, content: Buffer.from(c) }));
          const layer = memoryLayer(await makeTar(files), { compress: 'none', chunkSize });
          const index = await readLayer(layer, NO_CAPTURE);
          expect(index.entries.toArray().map((e) => [e.path, e.sha256])).toEqual(
            files.map((f) => [f.name, sha256(f.content)]),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
