import type { OsRelease } from '../catalog/types.js';

/** `12` vs `11`, `3.20.1` vs `3.19.4`: numeric fields in order (VERSION_ID is not a package version). */
export function compareOsVersions(a: string, b: string): number {
  const pa = a.split(/[^0-9]+/).filter((p) => p !== '');
  const pb = b.split(/[^0-9]+/).filter((p) => p !== '');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * How the base distribution changed: another distribution, a major release (Debian 12 -> 13, Alma 8 ->
 * 9), or a point release (Alma 8.8 -> 8.9, Alpine 3.20.1 -> 3.20.3). Alpine names its releases by two
 * numbers (each `3.x` branch is a new release with its own package set), so 3.19 -> 3.20 is a major
 * change there; every other distribution's release is its first number.
 */
export interface OsReleaseChange {
  class: 'distribution' | 'major' | 'point';
  direction: 'up' | 'down' | 'same';
  before?: string;
  after?: string;
}

const TWO_NUMBER_RELEASES = new Set(['alpine', 'wolfi', 'postmarketos']);

function releaseOf(os: OsRelease): string[] {
  const numbers = (os.versionId ?? '').split(/[^0-9]+/).filter((p) => p !== '');
  return numbers.slice(0, TWO_NUMBER_RELEASES.has(os.id) ? 2 : 1);
}

/** `id versionId` of an os-release, as the change is reported. */
function label(os: OsRelease | undefined): string | undefined {
  if (os === undefined) return undefined;
  return os.versionId !== undefined ? `${os.id} ${os.versionId}` : os.id;
}

/** The change between two images' os-release, or undefined when it did not change. */
export function classifyOsChange(
  before: OsRelease | undefined,
  after: OsRelease | undefined,
): OsReleaseChange | undefined {
  if ((before?.id ?? '') === (after?.id ?? '') && (before?.versionId ?? '') === (after?.versionId ?? ''))
    return undefined;
  const ends: Pick<OsReleaseChange, 'before' | 'after'> = {};
  const b = label(before);
  const a = label(after);
  if (b !== undefined) ends.before = b;
  if (a !== undefined) ends.after = a;
  if (before === undefined || after === undefined || before.id !== after.id)
    return { class: 'distribution', direction: 'same', ...ends };
  const order = compareOsVersions(after.versionId ?? '', before.versionId ?? '');
  const direction = order > 0 ? 'up' : order < 0 ? 'down' : 'same';
  const major = releaseOf(before).join('.') !== releaseOf(after).join('.');
  return { class: major ? 'major' : 'point', direction, ...ends };
}
