import { classifyBump, compareDigits, compareStrings } from './scheme.js';
import type { Order, VersionBump, VersionScheme } from './scheme.js';

/** An rpm EVR `[epoch:]version[-release]`. */
export interface RpmVersion {
  epoch?: string;
  version: string;
  release?: string;
}

export function parseRpmVersion(evr: string): RpmVersion {
  let rest = evr.trim();
  const out: RpmVersion = { version: '' };
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    out.epoch = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash >= 0) {
    out.release = rest.slice(dash + 1);
    rest = rest.slice(0, dash);
  }
  out.version = rest;
  return out;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isSeparator = (c: string): boolean => !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';

/**
 * rpm's segment comparison (rpmvercmp): separators only split; digit segments compare numerically and
 * beat letter segments; `~` sorts before anything, even the end (pre-releases); `^` sorts after the end
 * but before any further segment (post-release snapshots).
 */
export function rpmvercmp(a: string, b: string): Order {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && isSeparator(a.charAt(i))) i++;
    while (j < b.length && isSeparator(b.charAt(j))) j++;
    const ca = a.charAt(i); // '' at the end
    const cb = b.charAt(j);
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '^' || cb === '^') {
      if (ca === '') return -1;
      if (cb === '') return 1;
      if (ca !== '^') return 1;
      if (cb !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '' || cb === '') break;
    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    const startA = i;
    const startB = j;
    while (i < a.length && inSegment(a.charAt(i))) i++;
    while (j < b.length && inSegment(b.charAt(j))) j++;
    // b has a segment of the other kind here: numbers are newer than letters.
    if (j === startB) return numeric ? 1 : -1;
    const segA = a.slice(startA, i);
    const segB = b.slice(startB, j);
    const rc = numeric ? compareDigits(segA, segB) : compareStrings(segA, segB);
    if (rc !== 0) return rc;
  }
  // Same segments; whichever still has characters left is newer.
  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}

/**
 * Compare EVRs like rpm's own version comparison (rpm.vercmp): epoch (missing = 0), version, then
 * release (missing = empty, so 1.0 < 1.0-1). Dependency matching skips a missing release; ordering
 * installed packages, which always have one, does not need that.
 */
export function compareRpmVersions(a: string, b: string): Order {
  const va = parseRpmVersion(a);
  const vb = parseRpmVersion(b);
  const byEpoch = rpmvercmp(va.epoch || '0', vb.epoch || '0');
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmp(va.version, vb.version);
  if (byVersion !== 0) return byVersion;
  return rpmvercmp(va.release ?? '', vb.release ?? '');
}

/** Epoch change: 'other' (numbering was reset); release-only change: 'patch'. */
export function rpmBump(a: string, b: string): VersionBump | undefined {
  if (compareRpmVersions(a, b) === 0) return undefined;
  const va = parseRpmVersion(a);
  const vb = parseRpmVersion(b);
  if (rpmvercmp(va.epoch || '0', vb.epoch || '0') !== 0) return 'other';
  if (rpmvercmp(va.version, vb.version) === 0) return 'patch';
  return classifyBump(va.version, vb.version);
}

export const rpmVersionScheme: VersionScheme = { id: 'rpm', compare: compareRpmVersions, bump: rpmBump };
