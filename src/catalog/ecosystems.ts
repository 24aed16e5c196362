/**
 * Every package ecosystem, once. The types, the policy's `ecosystem:` values, the version schemes
 * (a Record over the type) and both JSON schemas follow this list (__tests__/catalog/ecosystems.test.ts
 * fails when one lags). A new ecosystem: add it here, give it a version scheme, add a cataloger.
 */
export const OS_ECOSYSTEMS = ['dpkg', 'apk', 'rpm'] as const;
export const LANG_ECOSYSTEMS = ['npm', 'python', 'gem', 'composer', 'go', 'maven'] as const;
export const ECOSYSTEMS = [...OS_ECOSYSTEMS, ...LANG_ECOSYSTEMS] as const;

export type OsEcosystem = (typeof OS_ECOSYSTEMS)[number];
export type LangEcosystem = (typeof LANG_ECOSYSTEMS)[number];
export type Ecosystem = (typeof ECOSYSTEMS)[number];

const OS = new Set<string>(OS_ECOSYSTEMS);

/**
 * An operating system's package manager: one database per image, so a package's location says
 * nothing (a language package's location, its manifest's path, tells one copy from another).
 */
export function isOsEcosystem(ecosystem: string): ecosystem is OsEcosystem {
  return OS.has(ecosystem);
}
