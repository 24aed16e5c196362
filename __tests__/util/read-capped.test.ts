import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCapped } from '../../src/util/read-capped.js';

describe('readCapped', () => {
  it('returns every byte of a stream within the limit, the limit itself included', async () => {
    const parts = [Buffer.from('ab'), Buffer.from('cde')];
    expect((await readCapped(Readable.from(parts), 5, () => new Error('big'))).toString()).toBe('abcde');
  });

  it('stops at the first chunk past the limit, destroys the stream and throws the given error', async () => {
    let pulled = 0;
    const stream = Readable.from(
      (function* () {
        for (;;) {
          pulled++;
          yield Buffer.alloc(4);
        }
      })(),
    );
    await expect(readCapped(stream, 10, () => new Error('over 10 bytes'))).rejects.toThrow('over 10 bytes');
    expect(stream.destroyed).toBe(true);
    expect(pulled).toBeLessThan(10);
  });
});
