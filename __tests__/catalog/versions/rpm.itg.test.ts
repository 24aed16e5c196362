import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRpmVersions } from '../../../src/catalog/versions/rpm.js';
import { PAIRS } from './pairs.js';
import { RPM_ALPHABET, isValidRpmVersion, randomPairs, randomRpmVersion } from './random-versions.js';

function hasRpm(): boolean {
  try {
    execFileSync('rpm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = hasRpm();
if (!available)
  console.warn('rpm is not installed (apt-get install rpm): skipping the rpm.vercmp cross-check');

/** Ask rpm's own rpm.vercmp about every pair in one process, through one Lua script. */
function rpmOrders(pairs: Array<[string, string]>): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'rpm-vercmp-'));
  try {
    const script = join(dir, 'vercmp.lua');
    // Versions only hold [0-9A-Za-z.~^_+:-], so Lua long strings quote them safely.
    // rpm's Lua print() writes into the macro expansion without a newline: separate with spaces.
    const calls = pairs.map(([a, b]) => `print(rpm.vercmp([[${a}]], [[${b}]]) .. ' ')`).join('\n');
    writeFileSync(script, calls + '\n');
    const out = execFileSync('rpm', ['--eval', `%{lua: dofile("${script}")}`], { encoding: 'utf8' });
    return out
      .trim()
      .split(/\s+/)
      .map((x) => Math.sign(Number(x)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!available)('rpm versions against rpm.vercmp', () => {
  it('agrees with rpm on the table and on random pairs, in both directions', () => {
    const table = PAIRS.rpm.map(([a, b]) => [a, b] as [string, string]);
    const random = randomPairs(20240602, 400, randomRpmVersion, RPM_ALPHABET, isValidRpmVersion);
    const pairs = [...table, ...random].flatMap(
      ([a, b]) =>
        [
          [a, b],
          [b, a],
        ] as Array<[string, string]>,
    );
    const expected = rpmOrders(pairs);
    expect(expected).toHaveLength(pairs.length);
    const disagreements = pairs
      .map(([a, b], i) => ({ a, b, rpm: expected[i], ours: compareRpmVersions(a, b) }))
      .filter((r) => r.rpm !== r.ours);
    expect(disagreements).toEqual([]);
    expect(new Set(expected)).toEqual(new Set([-1, 0, 1]));
  });
});
