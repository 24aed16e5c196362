import type { Ecosystem } from './ecosystems.js';

/**
 * Which package: its ecosystem and name. How a file names the packages that own it (`owners`) and how
 * a file change is tied to a package change; two arches or copies of one name are one id.
 */
export interface PackageId {
  readonly ecosystem: Ecosystem;
  readonly name: string;
}

/** A Map key for an id (never parsed back: take the id's fields instead). */
export function packageIdKey(id: PackageId): string {
  return `${id.ecosystem}\u0000${id.name}`;
}

/** By ecosystem, then name, in code-unit order. */
export function comparePackageIds(a: PackageId, b: PackageId): number {
  if (a.ecosystem !== b.ecosystem) return a.ecosystem < b.ecosystem ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The ids, sorted, each once. */
export function uniquePackageIds(ids: Iterable<PackageId>): PackageId[] {
  const byKey = new Map<string, PackageId>();
  for (const id of ids) {
    const key = packageIdKey(id);
    if (!byKey.has(key)) byKey.set(key, { ecosystem: id.ecosystem, name: id.name });
  }
  return [...byKey.values()].sort(comparePackageIds);
}
