/** Where a changelog is posted decides how much of it fits. */
export type Surface = 'comment' | 'summary' | 'release';

/**
 * GitHub's limits with a safety margin: a comment body holds 65,536 characters and a release body
 * 125,000 (both counted as JavaScript string length, i.e. UTF-16 code units), a job summary 1 MiB in
 * bytes (over that it is dropped whole).
 */
export const SURFACE_LIMITS: Record<Surface, { limit: number; budget: number; unit: 'chars' | 'bytes' }> = {
  comment: { limit: 65_536, budget: 64_000, unit: 'chars' },
  release: { limit: 125_000, budget: 123_000, unit: 'chars' },
  summary: { limit: 1_048_576, budget: 1_015_808, unit: 'bytes' },
};

export function measure(surface: Surface, text: string): number {
  return SURFACE_LIMITS[surface].unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length;
}

/** The budget for a surface; a caller's smaller budget (room left in a release body) wins. */
export function budgetFor(surface: Surface, requested?: number): number {
  const max = SURFACE_LIMITS[surface].budget;
  return requested === undefined || !Number.isFinite(requested)
    ? max
    : Math.max(0, Math.min(max, Math.floor(requested)));
}

/** How many rows each section may show. */
export interface Limits {
  attention: number;
  violations: number;
  downgrades: number;
  packages: number;
  settings: number;
  /** Rows of the non-packaged list (folds, directories at the depth, paths), most important first. */
  files: number;
  suspicious: number;
  layers: number;
  /** Folds of changelog entries (one per package, or per packages of one source with the same entries). */
  changelogs: number;
}

/**
 * Sections shrink in this order, least important first: layers and history, then long file lists,
 * then the folded changelog entries (the security line and the JSON report keep their CVEs), then settings, packages, policy violations (stops are listed first), downgrades, and the
 * Attention block last (most serious first; its heading with the count always stays); violations and
 * downgrades never go below FLOOR.
 */
const SHRINK_ORDER: ReadonlyArray<ReadonlyArray<keyof Limits>> = [
  ['layers'],
  ['files', 'suspicious'],
  ['changelogs'],
  ['settings'],
  ['packages'],
  ['violations'],
  ['downgrades'],
  ['attention'],
];

/** Downgrades and violations always keep this many rows (each cell is escaped and truncated, so they fit). */
export const FLOOR: Readonly<Partial<Record<keyof Limits, number>>> = {
  downgrades: 10,
  violations: 10,
};

/**
 * Renders with every row, then halves the row limits of the least important sections until the text
 * fits. Terminates: each step halves a limit above its floor, and there are finitely many. When even
 * the floors do not fit (a tiny caller budget), `minimal` is tried, then a hard cut.
 */
export function fitToBudget(
  render: (limits: Limits) => string,
  totals: Limits,
  fits: (text: string) => boolean,
  minimal: () => string,
  cut: (text: string) => string,
): string {
  const limits: Limits = { ...totals };
  let text = render(limits);
  if (fits(text)) return text;
  for (const group of SHRINK_ORDER) {
    for (;;) {
      const shrinkable = group.filter((k) => limits[k] > (FLOOR[k] ?? 0));
      if (shrinkable.length === 0) break;
      for (const k of shrinkable) limits[k] = Math.max(FLOOR[k] ?? 0, Math.floor(limits[k] / 2));
      text = render(limits);
      if (fits(text)) return text;
    }
  }
  text = minimal();
  return fits(text) ? text : cut(text);
}
