import { describe, it } from 'vitest';
import { boundedCases } from './cases-bounded.js';
import { withinTime } from './corpus-runner.js';

/** Bounded work (issue 12): each crafted case ends in its correct result or its one error, quickly. */
describe('hostile corpus: bounded work from small inputs', () => {
  it.each(boundedCases.map((c) => [c.name, c] as const))('stays bounded on: %s', async (_, c) => {
    await withinTime(Promise.resolve().then(c.run), 20_000, c.name);
  });
});
