import { describe, expect, it } from 'vitest';
import type { Ecosystem } from '../../../src/catalog/types.js';
import { compareVersions, versionBump, versionScheme } from '../../../src/catalog/versions/index.js';
import { PAIRS } from './pairs.js';

const ECOSYSTEMS = Object.keys(PAIRS) as Ecosystem[];

describe('versions', () => {
  for (const ecosystem of ECOSYSTEMS) {
    describe(ecosystem, () => {
      const cases = PAIRS[ecosystem].map(([a, b, eq]) => ({ a, b, eq: eq === '=' }));
      it.each(cases)('orders $a against $b in both directions', ({ a, b, eq }) => {
        expect(compareVersions(ecosystem, a, b)).toBe(eq ? 0 : -1);
        expect(compareVersions(ecosystem, b, a)).toBe(eq ? 0 : 1);
      });

      it('sees every version of its table as equal to itself', () => {
        for (const [a, b] of PAIRS[ecosystem]) {
          expect(compareVersions(ecosystem, a, a)).toBe(0);
          expect(compareVersions(ecosystem, b, b)).toBe(0);
        }
      });

      it('orders its table transitively when sorted', () => {
        const all = [...new Set(PAIRS[ecosystem].flat().filter((v) => v !== '='))];
        const sorted = [...all].sort((x, y) => compareVersions(ecosystem, x, y));
        for (let i = 0; i < sorted.length; i++) {
          for (let j = i + 1; j < sorted.length; j++) {
            expect(compareVersions(ecosystem, sorted[i]!, sorted[j]!)).toBeLessThanOrEqual(0);
          }
        }
      });

      it('gives the same bump in both directions and none for equal versions', () => {
        for (const [a, b, eq] of PAIRS[ecosystem]) {
          expect(versionBump(ecosystem, a, b)).toBe(versionBump(ecosystem, b, a));
          if (eq === '=') expect(versionBump(ecosystem, a, b)).toBeUndefined();
          else expect(versionBump(ecosystem, a, b)).toBeDefined();
        }
      });
    });
  }

  it.each([
    ['dpkg', '1.2.3-1', '2.0.0-1', 'major'],
    ['dpkg', '1.2.3-1', '1.3.0-1', 'minor'],
    ['dpkg', '1.2.3-1', '1.2.4-1', 'patch'],
    ['dpkg', '1.2.3-1', '1.2.3-2', 'patch'],
    ['dpkg', '2.36.1-8+deb11u1', '2.36.1-8+deb11u2', 'patch'],
    ['dpkg', '1.2.3-1', '1:1.2.3-1', 'other'],
    ['dpkg', '1.0~rc1', '1.0', 'patch'],
    ['dpkg', 'git20200101', 'git20210101', 'other'],
    ['rpm', '1.0-1.el8', '1.0-2.el8', 'patch'],
    ['rpm', '2.28-225.el8', '2.34-60.el9', 'minor'],
    ['rpm', '1:1.0-1', '2:1.0-1', 'other'],
    ['rpm', '8.0-1', '9.0-1', 'major'],
    ['apk', '1.36.1-r15', '1.36.1-r16', 'patch'],
    ['apk', '3.1.4-r5', '3.3.2-r0', 'minor'],
    ['apk', '1.0_rc1', '1.0', 'patch'],
    ['npm', '1.2.3', '2.0.0', 'major'],
    ['npm', '1.2.3', '1.3.0', 'minor'],
    ['npm', '1.2.3', '1.2.4', 'patch'],
    ['npm', '2.0.0-rc.1', '2.0.0', 'patch'],
    ['python', '1!1.0', '2!1.0', 'other'],
    ['python', '3.11.4', '3.12.0', 'minor'],
    ['gem', '7.0.8', '7.1.0', 'minor'],
    ['go', 'v1.2.3', 'v2.0.0', 'major'],
    ['go', '(devel)', 'v1.0.0', 'other'],
    ['maven', '5.3.30', '6.0.0', 'major'],
    ['composer', 'v1.2.3', 'v1.2.9', 'patch'],
  ] as const)('classifies %s %s -> %s as %s', (ecosystem, a, b, bump) => {
    expect(versionBump(ecosystem, a, b)).toBe(bump);
  });

  it('falls back to a loose order when npm versions are not semver', () => {
    expect(compareVersions('npm', '1.0', '1.0.1')).toBe(-1);
    expect(compareVersions('npm', '1.0.1', '1.0')).toBe(1);
    expect(compareVersions('npm', 'latest', 'latest')).toBe(0);
  });

  it('falls back to a loose order when python versions are not PEP 440', () => {
    expect(compareVersions('python', '1.0-foo', '1.0-foo')).toBe(0);
    expect(compareVersions('python', '1.0-foo', '1.1-foo')).toBe(-1);
    expect(compareVersions('python', '1.1-foo', '1.0-foo')).toBe(1);
  });

  it('never calls two different loose versions equal, so a change always has a direction', () => {
    for (const [a, b] of [
      ['1.0', '1.0.0'],
      ['1.0-final', '1.0'],
      ['v1.0', '1.0'],
    ] as const) {
      const ab = compareVersions('composer', a, b);
      expect(ab).not.toBe(0);
      expect(compareVersions('composer', b, a)).toBe(-ab);
    }
  });

  it('handles hostile versions without throwing and in linear time', () => {
    const long = '1.'.repeat(50_000) + '1';
    const weird = [
      '',
      ':',
      '-',
      '~',
      '^',
      '_',
      '::::',
      '--r',
      '\u0000',
      'é',
      '1:',
      ':1',
      '-r',
      '_rc_rc',
      '~~~~',
      '+'.repeat(1000),
    ];
    // Each distinct scheme once: several ecosystems share one (composer, runtime and binary: the loose order).
    for (const scheme of new Set(ECOSYSTEMS.map(versionScheme))) {
      for (const a of [...weird, long]) {
        for (const b of [...weird, '1.0']) {
          const ab = scheme.compare(a, b);
          expect(scheme.compare(b, a)).toBe(ab === 0 ? 0 : -ab);
          expect(() => scheme.bump(a, b)).not.toThrow();
        }
      }
    }
  });
});
