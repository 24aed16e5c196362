/** -1: a is older, 0: the scheme sees them as the same version, 1: a is newer. */
export type Order = -1 | 0 | 1;

/** How far apart two different versions are; undefined when they compare equal. */
export type VersionBump = 'major' | 'minor' | 'patch' | 'other';

/** One ecosystem's version rules. */
export interface VersionScheme {
  readonly id: string;
  compare(a: string, b: string): Order;
  /**
   * Size of the change between a and b, the same in both directions (bump(a, b) === bump(b, a)).
   * undefined when compare(a, b) === 0; 'other' when the scheme cannot tell (e.g. an epoch change).
   */
  bump(a: string, b: string): VersionBump | undefined;
}

export function sign(n: number): Order {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compare two strings of ASCII digits as numbers of any length (no overflow). */
export function compareDigits(a: string, b: string): Order {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Plain code-unit order, as a last resort to keep an order total. */
export function compareStrings(a: string, b: string): Order {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The leading run of dot-separated numbers, e.g. `1.2.3+dfsg` -> ['1', '2', '3']; undefined when none. */
export function leadingNumbers(version: string): string[] | undefined {
  const m = /^\d+(?:\.\d+)*/.exec(version);
  return m ? m[0].split('.') : undefined;
}

/**
 * Classify the distance between two different upstream versions by the first of their leading numeric
 * components that differs: the first is 'major', the second 'minor'; any difference after those (third
 * component, suffixes, pre-releases) is 'patch'. Versions without a leading number are 'other'.
 * Callers strip what their scheme puts around the upstream part (epoch, revision, release).
 */
export function classifyBump(a: string, b: string): VersionBump {
  const na = leadingNumbers(a);
  const nb = leadingNumbers(b);
  if (!na || !nb) return 'other';
  for (const [i, kind] of [
    [0, 'major'],
    [1, 'minor'],
  ] as const) {
    if (compareDigits(na[i] ?? '0', nb[i] ?? '0') !== 0) return kind;
  }
  return 'patch';
}
