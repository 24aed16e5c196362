import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/util/limit.js';

describe('limit', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setImmediate(r));
          active--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(2);
  });

  it('keeps going after a task fails', async () => {
    const limit = createLimiter(1);
    const a = limit(() => Promise.reject(new Error('boom')));
    const b = limit(() => Promise.resolve('ok'));
    await expect(a).rejects.toThrow('boom');
    await expect(b).resolves.toBe('ok');
  });

  it('rejects a concurrency below one', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
