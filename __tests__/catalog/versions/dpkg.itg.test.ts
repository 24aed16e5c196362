import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareDpkgVersions } from '../../../src/catalog/versions/dpkg.js';
import { PAIRS } from './pairs.js';
import { DPKG_ALPHABET, isValidDpkgVersion, randomDpkgVersion, randomPairs } from './random-versions.js';

function hasDpkg(): boolean {
  try {
    execFileSync('dpkg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = hasDpkg();
if (!available) console.warn('dpkg is not installed: skipping the dpkg --compare-versions cross-check');

/** Ask dpkg about every pair in one shell process: -1, 0 or 1 per line. */
function dpkgOrders(pairs: Array<[string, string]>): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'dpkg-vercmp-'));
  try {
    const list = join(dir, 'pairs');
    writeFileSync(list, pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
    const script =
      'while read a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; ' +
      'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done < "$1"';
    const out = execFileSync('sh', ['-c', script, 'sh', list], { encoding: 'utf8' });
    return out.trim().split('\n').map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!available)('dpkg versions against dpkg --compare-versions', () => {
  it('agrees with dpkg on the table and on random pairs, in both directions', () => {
    const table = PAIRS.dpkg.map(([a, b]) => [a, b] as [string, string]);
    const random = randomPairs(20240601, 400, randomDpkgVersion, DPKG_ALPHABET, isValidDpkgVersion);
    const pairs = [...table, ...random].flatMap(
      ([a, b]) =>
        [
          [a, b],
          [b, a],
        ] as Array<[string, string]>,
    );
    const expected = dpkgOrders(pairs);
    expect(expected).toHaveLength(pairs.length);
    const disagreements = pairs
      .map(([a, b], i) => ({ a, b, dpkg: expected[i], ours: compareDpkgVersions(a, b) }))
      .filter((r) => r.dpkg !== r.ours);
    expect(disagreements).toEqual([]);
    // The random pairs must exercise all three answers, or the check proves little.
    expect(new Set(expected)).toEqual(new Set([-1, 0, 1]));
  });
});
