import type { OsRelease, Package } from '../catalog/types.js';
import { isOsEcosystem } from '../catalog/ecosystems.js';
import { compareVersions, versionBump } from '../catalog/versions/index.js';
import { changeNotes } from './change-notes.js';
import type { PackageChange, PackageRef } from './types.js';

/** What the package diff knows about the two images beyond their packages. */
export interface PackageDiffContext {
  beforeOs?: OsRelease;
  afterOs?: OsRelease;
}

/**
 * Metadata keys that identify one build of a package: the same version with a different value
 * is a rebuild (apk's package checksum, chisel's .deb digest).
 */
const BUILD_IDENTITY_KEYS = ['checksum', 'debSha256'] as const;

/**
 * Where a language package lives, with its own version taken out of the path: Python's
 * `requests-2.31.0.dist-info/METADATA` and a jar `lib/foo-1.2.jar` keep their place across an upgrade.
 * OS packages have one database per image, so their location is not part of their identity
 * (distroless `status.d/<name>` files even move around).
 */
function locationKey(pkg: Package): string {
  if (isOsEcosystem(pkg.ecosystem)) return '';
  return pkg.version === '' ? pkg.location : pkg.location.split(pkg.version).join('\u0000v');
}

/** The identity a package keeps from one image to the next (two arches of one package are two packages). */
export function packageIdentity(pkg: Package, withArch = true): string {
  return [pkg.ecosystem, pkg.name, withArch ? (pkg.arch ?? '') : '', locationKey(pkg)].join('\u0001');
}

function ref(pkg: Package): PackageRef {
  return pkg.source ? { version: pkg.version, source: { ...pkg.source } } : { version: pkg.version };
}

/** Same version, different content: a build identity differs, or the files or their recorded digests do. */
export function isRebuilt(a: Package, b: Package): boolean {
  for (const key of BUILD_IDENTITY_KEYS) {
    const x = a.metadata?.[key];
    const y = b.metadata?.[key];
    if (x !== undefined && y !== undefined && x !== y) return true;
  }
  // Obsolete dpkg conffiles depend on the upgrade history of the image, not on the package.
  const files = (p: Package) => p.files.filter((f) => f.obsolete !== true);
  const before = new Map(files(a).map((f) => [f.path, f.digest]));
  const after = files(b);
  if (before.size !== new Set(after.map((f) => f.path)).size) return true;
  for (const f of after) {
    if (!before.has(f.path)) return true;
    const old = before.get(f.path);
    if (old && f.digest && old.algorithm === f.digest.algorithm && old.value !== f.digest.value) return true;
  }
  return false;
}

function change(
  kind: PackageChange['kind'],
  before: Package | undefined,
  after: Package | undefined,
): PackageChange {
  const base = (after ?? before)!;
  const c: PackageChange = {
    kind,
    ecosystem: base.ecosystem,
    name: base.name,
    location: base.location,
    fileChanges: 0,
  };
  if (base.arch !== undefined) c.arch = base.arch;
  if (before) c.before = ref(before);
  if (after) c.after = ref(after);
  return c;
}

/** The change between two packages of one identity, or undefined when nothing differs. */
function compare(before: Package, after: Package, context: PackageDiffContext): PackageChange | undefined {
  const order =
    before.version === after.version ? 0 : compareVersions(after.ecosystem, before.version, after.version);
  if (order === 0)
    return isRebuilt(before, after) || before.arch !== after.arch
      ? change('rebuilt', before, after)
      : undefined;
  const c = change(order < 0 ? 'upgraded' : 'downgraded', before, after);
  const bump = versionBump(after.ecosystem, before.version, after.version);
  if (bump !== undefined) c.bump = bump;
  const notes =
    order < 0
      ? changeNotes(before, after, context.afterOs ? { os: context.afterOs } : {})
      : changeNotes(after, before, context.beforeOs ? { os: context.beforeOs } : {});
  if (notes) c.changelog = notes;
  return c;
}

function groupBy(pkgs: readonly Package[], key: (p: Package) => string): Map<string, Package[]> {
  const groups = new Map<string, Package[]>();
  for (const p of pkgs) {
    const k = key(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return groups;
}

/**
 * Pairs the packages of one identity: equal versions first, then the rest in version order (a
 * database listing one name twice is rare, but must not turn into nonsense). Returns what is left.
 */
function pairUp(
  before: Package[],
  after: Package[],
  out: PackageChange[],
  context: PackageDiffContext,
): { removed: Package[]; added: Package[] } {
  const left = [...before];
  const right: Package[] = [];
  for (const a of after) {
    const i = left.findIndex((b) => b.version === a.version);
    if (i < 0) right.push(a);
    else {
      const c = compare(left[i]!, a, context);
      if (c) out.push(c);
      left.splice(i, 1);
    }
  }
  const byVersion = (x: Package, y: Package) => compareVersions(x.ecosystem, x.version, y.version);
  left.sort(byVersion);
  right.sort(byVersion);
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const c = compare(left[i]!, right[i]!, context);
    if (c) out.push(c);
  }
  return { removed: left.slice(n), added: right.slice(n) };
}

/** Package changes between two package lists (before empty for a first release), sorted. */
export function diffPackages(
  before: readonly Package[],
  after: readonly Package[],
  context: PackageDiffContext = {},
): PackageChange[] {
  const out: PackageChange[] = [];
  const b = groupBy(before, (p) => packageIdentity(p));
  const a = groupBy(after, (p) => packageIdentity(p));
  const removed: Package[] = [];
  const added: Package[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const rest = pairUp(b.get(key) ?? [], a.get(key) ?? [], out, context);
    removed.push(...rest.removed);
    added.push(...rest.added);
  }
  // A package that changed architecture (`all` -> `amd64`) is still the same package when it is the only
  // one of its name on each side.
  const rb = groupBy(removed, (p) => packageIdentity(p, false));
  const ra = groupBy(added, (p) => packageIdentity(p, false));
  for (const [key, olds] of rb) {
    const news = ra.get(key);
    if (olds.length === 1 && news?.length === 1) {
      const c = compare(olds[0]!, news[0]!, context);
      if (c) out.push(c);
      rb.delete(key);
      ra.delete(key);
    }
  }
  for (const olds of rb.values()) for (const p of olds) out.push(change('removed', p, undefined));
  for (const news of ra.values()) for (const p of news) out.push(change('added', undefined, p));
  return out.sort(comparePackageChanges);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stable order: ecosystem, name, arch, location, then the versions. */
export function comparePackageChanges(x: PackageChange, y: PackageChange): number {
  return (
    cmp(x.ecosystem, y.ecosystem) ||
    cmp(x.name, y.name) ||
    cmp(x.arch ?? '', y.arch ?? '') ||
    cmp(x.location, y.location) ||
    cmp(x.before?.version ?? '', y.before?.version ?? '') ||
    cmp(x.after?.version ?? '', y.after?.version ?? '')
  );
}
