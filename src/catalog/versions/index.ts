import { VERSION_SCHEME_OF, type Ecosystem, type VersionSchemeId } from '../ecosystems.js';
import { apkVersionScheme } from './apk.js';
import { dpkgVersionScheme } from './dpkg.js';
import { goVersionScheme } from './go.js';
import { composerVersionScheme, looseVersionScheme } from './loose.js';
import { mavenVersionScheme } from './maven.js';
import { pep440VersionScheme } from './pep440.js';
import { rpmVersionScheme } from './rpm.js';
import { rubygemsVersionScheme } from './rubygems.js';
import { semverVersionScheme } from './semver.js';
import type { Order, VersionBump, VersionScheme } from './scheme.js';

export type { Order, VersionBump, VersionScheme } from './scheme.js';

const SCHEMES: Record<VersionSchemeId, VersionScheme> = {
  dpkg: dpkgVersionScheme,
  rpm: rpmVersionScheme,
  apk: apkVersionScheme,
  semver: semverVersionScheme,
  pep440: pep440VersionScheme,
  rubygems: rubygemsVersionScheme,
  composer: composerVersionScheme,
  go: goVersionScheme,
  maven: mavenVersionScheme,
  loose: looseVersionScheme,
};

/** The version scheme of an ecosystem (a loose order for an ecosystem we do not know). */
export function versionScheme(ecosystem: Ecosystem): VersionScheme {
  const id = VERSION_SCHEME_OF[ecosystem] as VersionSchemeId | undefined;
  return id === undefined ? looseVersionScheme : SCHEMES[id];
}

/** -1 when a is older than b, 1 when newer, 0 when the ecosystem sees the same version. */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): Order {
  return versionScheme(ecosystem).compare(a, b);
}

/**
 * major / minor / patch by the first differing of the upstream version's leading numbers (revision or
 * release only: patch); 'other' when the scheme cannot tell (epoch change, no leading number);
 * undefined when the versions compare equal. Symmetric: versionBump(e, a, b) === versionBump(e, b, a).
 */
export function versionBump(ecosystem: Ecosystem, a: string, b: string): VersionBump | undefined {
  return versionScheme(ecosystem).bump(a, b);
}
