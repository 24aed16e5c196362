import { classifyBump, compareDigits, sign } from './scheme.js';
import type { Order, VersionBump, VersionScheme } from './scheme.js';

/** A Debian version `[epoch:]upstream[-revision]` split into its parts (policy §5.6.12). */
export interface DpkgVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

export function parseDpkgVersion(version: string): DpkgVersion {
  let rest = version.trim();
  let epoch = '0';
  const colon = rest.indexOf(':');
  // Only a numeric prefix is an epoch; anything else stays in the upstream part (dpkg would reject it).
  if (colon > 0 && /^\d+$/.test(rest.slice(0, colon))) {
    epoch = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash < 0) return { epoch, upstream: rest, revision: '' };
  return { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Sort weight of one character in a non-digit run: `~` before the end, the end before letters, letters before the rest. */
function weight(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0; // past the end of the string
  if (isLetter(c)) return c;
  if (c === 126) return -1; // '~'
  return c + 256;
}

/** Compare an upstream version or revision: alternating non-digit runs (by weight) and digit runs (numerically). */
export function compareDpkgPart(a: string, b: string): Order {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const wa = weight(a.charCodeAt(i));
      const wb = weight(b.charCodeAt(j));
      if (wa !== wb) return sign(wa - wb);
      i++;
      j++;
    }
    const startA = i;
    const startB = j;
    while (isDigit(a.charCodeAt(i))) i++;
    while (isDigit(b.charCodeAt(j))) j++;
    const byNumber = compareDigits(a.slice(startA, i), b.slice(startB, j));
    if (byNumber !== 0) return byNumber;
  }
  return 0;
}

export function compareDpkgVersions(a: string, b: string): Order {
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  return (
    compareDigits(va.epoch, vb.epoch) ||
    compareDpkgPart(va.upstream, vb.upstream) ||
    compareDpkgPart(va.revision, vb.revision)
  );
}

/**
 * An epoch change is 'other': an epoch exists because upstream numbering was reset or replaced, so
 * the upstream numbers on either side say nothing about the size of the change. A change of the
 * Debian revision only (a rebuild or a distribution patch) is 'patch'.
 */
export function dpkgBump(a: string, b: string): VersionBump | undefined {
  if (compareDpkgVersions(a, b) === 0) return undefined;
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  if (compareDigits(va.epoch, vb.epoch) !== 0) return 'other';
  if (compareDpkgPart(va.upstream, vb.upstream) === 0) return 'patch';
  return classifyBump(va.upstream, vb.upstream);
}

export const dpkgVersionScheme: VersionScheme = { id: 'dpkg', compare: compareDpkgVersions, bump: dpkgBump };
