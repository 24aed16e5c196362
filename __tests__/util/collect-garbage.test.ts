import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/util/collect-garbage.js';

describe('collectGarbage', () => {
  it('runs a real collection without --expose-gc: an unreachable object is gone after it', async () => {
    const ref = ((): WeakRef<object> => new WeakRef({ payload: new Array(1000).fill(1) }))();
    await tick(); // a WeakRef keeps its target alive until the job that made or read it ends
    collectGarbage();
    await tick();
    expect(ref.deref()).toBeUndefined();
  });

  it('leaves the process without a global gc', () => {
    collectGarbage();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
