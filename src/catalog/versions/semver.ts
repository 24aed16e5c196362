import semver from 'semver';
import { compareParsedOrLoose } from './loose.js';
import { classifyBump, compareStrings, sign } from './scheme.js';
import type { Order, VersionBump, VersionScheme } from './scheme.js';

const parse = (v: string): semver.SemVer | null => semver.parse(v.trim(), { loose: true });

/**
 * npm: semver precedence via the `semver` package (loose parsing accepts `v1.2.3`, `=1.2.3`). Build
 * metadata has no precedence in semver, but two published versions that differ only in it are still
 * different releases, so it breaks ties (compareBuild) and the order stays total. Anything semver
 * cannot parse is ordered by the loose rules among its kind, before every valid version.
 */
export function compareSemver(a: string, b: string): Order {
  // npm refuses to publish an invalid version, so mixing both is rare.
  return compareParsedOrLoose(
    a,
    b,
    parse,
    (pa, pb) => sign(semver.compareBuild(pa, pb)) || compareStrings(a, b),
  );
}

export function semverBump(a: string, b: string): VersionBump | undefined {
  if (compareSemver(a, b) === 0) return undefined;
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return classifyBump(a.trim(), b.trim());
  return classifyBump(`${pa.major}.${pa.minor}.${pa.patch}`, `${pb.major}.${pb.minor}.${pb.patch}`);
}

export const semverVersionScheme: VersionScheme = { id: 'semver', compare: compareSemver, bump: semverBump };
