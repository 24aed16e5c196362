/** The comparison both golden tiers make: rendered output vs the golden file, with a readable failure. */
import { expect } from 'vitest';
import { UPDATE_COMMAND, firstDifference, goldenPath, readGolden, type GoldenCase, type GoldenFormat } from './golden-cases.js';
import { repoRoot } from '../world/world.js';

export function expectGolden(c: GoldenCase, format: GoldenFormat, actual: string): void {
  const path = goldenPath(c, format).slice(repoRoot.length + 1);
  const expected = readGolden(c, format);
  const how = `${path} is out of date: review the change, then run \`${UPDATE_COMMAND} ${c.tier}\` and read the diff before committing`;
  expect(expected, `${path} is missing: run \`${UPDATE_COMMAND} ${c.tier}\``).toBeDefined();
  // A whole-file toBe would print megabytes of JSON; the first differing line says what changed.
  expect(firstDifference(expected!, actual), how).toBeUndefined();
}
