/**
 * Runs one bounded-work case alone, for its time and peak memory in the closing note:
 *   /usr/bin/time -v node --import tsx __tests__/hostile/measure-bounded.ts '<part of the case name>'
 */
import { boundedCases } from './cases-bounded.js';

const wanted = process.argv[2] ?? '';
const chosen = boundedCases.filter((c) => c.name.includes(wanted));
for (const c of chosen) {
  const start = performance.now();
  await c.run();
  console.log(`${((performance.now() - start) / 1000).toFixed(2)} s  ${c.name}`);
}
if (chosen.length === 0) {
  console.error(`no case matches "${wanted}"`);
  process.exitCode = 2;
}
