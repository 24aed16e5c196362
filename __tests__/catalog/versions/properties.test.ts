import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ecosystem } from '../../../src/catalog/types.js';
import { compareVersions, versionBump } from '../../../src/catalog/versions/index.js';

const ECOSYSTEMS: Ecosystem[] = ['dpkg', 'rpm', 'apk', 'npm', 'python', 'gem', 'composer', 'go', 'maven'];

/** Version-like strings: digits, separators and the characters each scheme gives meaning to. */
const version = fc.string({
  unit: fc.constantFrom(...'0123456789012345.....-~^_+:abrcpv'.split('')),
  maxLength: 12,
});

describe('versions (properties)', () => {
  for (const ecosystem of ECOSYSTEMS) {
    it(`is antisymmetric and reflexive for ${ecosystem} when given arbitrary version-like strings`, () => {
      fc.assert(
        fc.property(version, version, (a, b) => {
          expect(compareVersions(ecosystem, a, a)).toBe(0);
          const ab = compareVersions(ecosystem, a, b);
          expect(compareVersions(ecosystem, b, a)).toBe(ab === 0 ? 0 : -ab);
          expect(versionBump(ecosystem, a, b)).toBe(versionBump(ecosystem, b, a));
          expect(versionBump(ecosystem, a, b) === undefined).toBe(ab === 0);
        }),
        { numRuns: 2000 },
      );
    });

    it(`is transitive for ${ecosystem} when given arbitrary version-like strings`, () => {
      fc.assert(
        fc.property(version, version, version, (a, b, c) => {
          const [x, y, z] = [a, b, c].sort((p, q) => compareVersions(ecosystem, p, q));
          expect(compareVersions(ecosystem, x!, z!)).toBeLessThanOrEqual(0);
          if (compareVersions(ecosystem, x!, y!) < 0 || compareVersions(ecosystem, y!, z!) < 0) {
            expect(compareVersions(ecosystem, x!, z!)).toBe(-1);
          }
        }),
        { numRuns: 2000 },
      );
    });
  }
});
