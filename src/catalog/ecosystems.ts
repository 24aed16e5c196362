/**
 * Every package ecosystem, once. The types, the policy's `ecosystem:` values, the version schemes
 * (a Record over the type) and both JSON schemas follow this list (__tests__/catalog/ecosystems.test.ts
 * fails when one lags). A new ecosystem: add it here, give it a version scheme, add a cataloger.
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

const OS = new Set<string>(OS_ECOSYSTEMS);

/**
 * An operating system's package manager: one database per image, so a package's location says
 * nothing (a language package's location, its manifest's path, tells one copy from another).
 */
export function isOsEcosystem(ecosystem: string): ecosystem is OsEcosystem {
  return OS.has(ecosystem);
}
