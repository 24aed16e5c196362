import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/util/limit.js';

describe('limit', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const limiter = new ConcurrencyLimiter(2);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
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
    const limiter = new ConcurrencyLimiter(1);
    const a = limiter.run(() => Promise.reject(new Error('boom')));
    const b = limiter.run(() => Promise.resolve('ok'));
    await expect(a).rejects.toThrow('boom');
    await expect(b).resolves.toBe('ok');
  });

  it('rejects a concurrency below one', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});

describe('limit: slots held across a stream', () => {
  it('admits at most the limit and hands slots over in arrival order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const order: number[] = [];
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const c = limiter.acquire().then((r) => (order.push(3), r));
    const d = limiter.acquire().then((r) => (order.push(4), r));
    expect(limiter.running).toBe(2);
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    a(); // a second release changes nothing
    const rc = await c;
    expect(order).toEqual([3]);
    b();
    const rd = await d;
    expect(order).toEqual([3, 4]);
    rc();
    rd();
    expect(limiter.running).toBe(0);
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});
