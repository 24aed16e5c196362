/**
 * Every package ecosystem, once, with the version rules it follows. The types, the policy's `ecosystem:`
 * values, the version order and the JSON schemas (report.schema.json's `$defs.ecosystem`, which the
 * policy schema refers to) follow this list; __tests__/catalog/ecosystems.test.ts fails when one lags.
 * A new ecosystem: add it here with its scheme in VERSION_SCHEME_OF, add its cataloger (and list it),
 * add it to report.schema.json.
 */
export const OS_ECOSYSTEMS = ['dpkg', 'apk', 'rpm'] as const;
export const LANG_ECOSYSTEMS = ['npm', 'python', 'gem', 'composer', 'go', 'maven', 'cargo'] as const;
/**
 * What no package database lists: `runtime` for language runtimes installed from a release tree or a
 * source build (Node.js, Python, Go, a JDK, Ruby), `binary` for binaries that name themselves (busybox's
 * banner, an ELF package note).
 */
export const SELF_IDENTIFIED_ECOSYSTEMS = ['runtime', 'binary'] as const;
export const ECOSYSTEMS = [...OS_ECOSYSTEMS, ...LANG_ECOSYSTEMS, ...SELF_IDENTIFIED_ECOSYSTEMS] as const;

export type OsEcosystem = (typeof OS_ECOSYSTEMS)[number];
export type LangEcosystem = (typeof LANG_ECOSYSTEMS)[number];
export type SelfIdentifiedEcosystem = (typeof SELF_IDENTIFIED_ECOSYSTEMS)[number];
export type Ecosystem = (typeof ECOSYSTEMS)[number];

/** The version orders catalog/versions knows, by name. */
export type VersionSchemeId =
  'dpkg' | 'rpm' | 'apk' | 'semver' | 'pep440' | 'rubygems' | 'composer' | 'go' | 'maven' | 'loose';

/** Which version order each ecosystem's versions follow. */
export const VERSION_SCHEME_OF: Readonly<Record<Ecosystem, VersionSchemeId>> = {
  dpkg: 'dpkg',
  apk: 'apk',
  rpm: 'rpm',
  npm: 'semver',
  python: 'pep440',
  gem: 'rubygems',
  composer: 'composer',
  go: 'go',
  maven: 'maven',
  cargo: 'semver',
  // Runtimes and self-named binaries follow no one scheme (1.8.0_412, 3.13.0rc1, 1.37.0): the loose order.
  runtime: 'loose',
  binary: 'loose',
};

const OS = new Set<string>(OS_ECOSYSTEMS);

/**
 * An operating system's package manager: one database per image, so a package's location says
 * nothing (a language package's location, its manifest's path, tells one copy from another).
 */
export function isOsEcosystem(ecosystem: string): ecosystem is OsEcosystem {
  return OS.has(ecosystem);
}
