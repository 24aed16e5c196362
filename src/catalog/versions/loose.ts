import { classifyBump, compareDigits, compareStrings } from './scheme.js';
import type { Order, VersionBump, VersionScheme } from './scheme.js';

/**
 * A forgiving order for versions that follow no strict scheme (composer, maven, and the fallback
 * for invalid versions of the others). A version is read as runs of digits and runs of letters
 * (case-insensitive; other characters only separate). Trailing zeros of each run of numbers are
 * dropped, so 1.0 = 1 and 1.0-beta = 1-beta. Runs compare in this order, the end of a version
 * ranking like a release word:
 *
 *   pre-release words < end = release words < post-release words < other words < numbers
 *
 * so 1.0-rc1 < 1.0 < 1.0-p1 < 1.0.1. Versions the rules see as equal but spelled differently are
 * ordered by their text, which keeps the order total: two different strings never compare equal.
 */

/** Rank of a word: negative before a release, 0 a release, positive after; undefined when unknown. */
export type WordRanks = (word: string) => number | undefined;

const GENERIC_RANKS: Record<string, number> = {
  dev: -6,
  alpha: -5,
  a: -5,
  beta: -4,
  b: -4,
  milestone: -3,
  m: -3,
  rc: -2,
  cr: -2,
  c: -2,
  pre: -2,
  preview: -2,
  snapshot: -1,
  final: 0,
  ga: 0,
  release: 0,
  stable: 0,
  p: 1,
  pl: 1,
  patch: 1,
  post: 1,
  rev: 1,
  r: 1,
  sp: 1,
};

export const genericWordRanks: WordRanks = (word) => GENERIC_RANKS[word];

type Item = { num: string } | { word: string };

function items(version: string): Item[] {
  const out: Item[] = [];
  let numbers: string[] = [];
  const flushNumbers = (): void => {
    while (numbers.length > 0 && /^0*$/.test(numbers[numbers.length - 1] ?? '')) numbers.pop();
    for (const n of numbers) out.push({ num: n });
    numbers = [];
  };
  for (const m of version.toLowerCase().matchAll(/\d+|[a-z]+/g)) {
    const run = m[0];
    if (/^\d/.test(run)) numbers.push(run);
    else {
      flushNumbers();
      out.push({ word: run });
    }
  }
  flushNumbers();
  return out;
}

/** Class of an item (or the end) in the order above, and a rank within the class. */
function classOf(item: Item | undefined, ranks: WordRanks): [number, number] {
  if (item === undefined) return [1, 0];
  if ('num' in item) return [4, 0];
  const rank = ranks(item.word);
  if (rank === undefined) return [3, 0];
  if (rank < 0) return [0, rank];
  if (rank === 0) return [1, 0];
  return [2, rank];
}

export function compareLooseBy(ranks: WordRanks, a: string, b: string): Order {
  if (a === b) return 0;
  const ia = items(a);
  const ib = items(b);
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    const x = ia[i];
    const y = ib[i];
    const [cx, rx] = classOf(x, ranks);
    const [cy, ry] = classOf(y, ranks);
    if (cx !== cy) return cx < cy ? -1 : 1;
    if (rx !== ry) return rx < ry ? -1 : 1;
    if (x && y && 'num' in x && 'num' in y) {
      const rc = compareDigits(x.num, y.num);
      if (rc !== 0) return rc;
    } else if (cx === 3 && x && y && 'word' in x && 'word' in y) {
      const rc = compareStrings(x.word, y.word);
      if (rc !== 0) return rc;
    }
  }
  return compareStrings(a, b);
}

export function compareLoose(a: string, b: string): Order {
  return compareLooseBy(genericWordRanks, a, b);
}

/**
 * The order of a scheme whose parser can reject a version: parsed ones by `compareParsed`; anything
 * `parse` rejects sorts before every valid version, in loose order among its kind. Keeping invalid
 * versions on one side (as packaging's old LegacyVersion and Go do) keeps the order total and transitive
 * when both kinds meet.
 */
export function compareParsedOrLoose<T>(
  a: string,
  b: string,
  parse: (v: string) => T | null | undefined,
  compareParsed: (pa: T, pb: T) => Order,
): Order {
  const pa = parse(a);
  const pb = parse(b);
  if (pa != null && pb == null) return 1;
  if (pa == null && pb != null) return -1;
  if (pa == null || pb == null) return compareLoose(a, b);
  return compareParsed(pa, pb);
}

const stripV = (v: string): string => v.trim().replace(/^v(?=\d)/i, '');

export function looseBump(a: string, b: string): VersionBump | undefined {
  if (a === b) return undefined;
  return classifyBump(stripV(a), stripV(b));
}

/** Composer: `v` prefixes are common (v1.2.3); stability words dev < alpha < beta < RC < stable < patch. */
export const composerVersionScheme: VersionScheme = {
  id: 'composer',
  compare: (a, b) => compareLoose(stripV(a), stripV(b)) || compareStrings(a, b),
  bump: looseBump,
};

export const looseVersionScheme: VersionScheme = { id: 'loose', compare: compareLoose, bump: looseBump };
