/**
 * Code-unit order (what `<` gives for strings): the same on every machine and locale, unlike
 * `localeCompare`, and the order of every sorted path list in the project.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Code-unit order of two things by their `path`. */
export function compareByPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return compareCodeUnits(a.path, b.path);
}
