import semver from 'semver';
import { compareParsedOrLoose } from './loose.js';
import { classifyBump, sign, type Order, type VersionBump, type VersionScheme } from './scheme.js';

/**
 * Go module versions: semver with a `v` prefix (`v1.2.3`, shorthand `v1`/`v1.2`), pseudo-versions
 * (`v0.0.0-20210101000000-abcdef123456`, `v1.2.4-0.2021...`) which are pre-releases and so sort
 * below the release they precede, and `+incompatible`, which is build metadata without precedence.
 * Like Go, an invalid version (e.g. `(devel)`) is older than any valid one, and v1.2 = v1.2.0.
 */
function parse(v: string): semver.SemVer | null {
  const m = /^v(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (m) return semver.parse(`${m[1]}.${m[2] ?? '0'}.0`);
  if (!v.trim().startsWith('v')) return null;
  return semver.parse(v.trim().slice(1));
}

export function compareGoVersions(a: string, b: string): Order {
  return compareParsedOrLoose(a, b, parse, (pa, pb) => sign(semver.compare(pa, pb)));
}

export function goBump(a: string, b: string): VersionBump | undefined {
  if (compareGoVersions(a, b) === 0) return undefined;
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return 'other';
  return classifyBump(`${pa.major}.${pa.minor}.${pa.patch}`, `${pb.major}.${pb.minor}.${pb.patch}`);
}

export const goVersionScheme: VersionScheme = { id: 'go', compare: compareGoVersions, bump: goBump };
