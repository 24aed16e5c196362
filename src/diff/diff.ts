import type { FileList, Inventory, PackageId } from '../catalog/types.js';
import { packageIdKey, uniquePackageIds } from '../catalog/package-id.js';
import { computeAttention } from './attention/index.js';
import { excludeMatcher } from './excludes.js';
import { classifyOsChange } from './os-release-change.js';
import { diffFiles } from './files.js';
import { fileList } from '../catalog/file-list.js';
import { diffPackages } from './packages.js';
import { foldNoise } from './noise.js';
import { rollUp } from './rollup.js';
import { summarizeSecurity } from './security-summary.js';
import { DERIVED_SETTING_KEYS, diffSettings, settingChanges } from './settings.js';
import type { Changes, DiffOptions, FileChange, ImageSide, PackageChange } from './types.js';

function side(inv: Inventory): ImageSide {
  const s: ImageSide = {
    summary: inv.image,
    packageCount: inv.packages.length,
    fileCount: nonDirectories(inv.files),
    user: inv.config.config?.User ?? '',
  };
  if (inv.os) s.os = inv.os;
  return s;
}

/** How many of the paths are not directories (counted on the columns). */
function nonDirectories(files: FileList): number {
  let n = 0;
  files.forEachShape((type) => {
    if (type !== 'dir') n++;
  });
  return n;
}

/** Non-packaged: nobody owns it and it is not package-manager state; directories are reported apart. */
export function isNonPackaged(change: FileChange): boolean {
  return change.ownership === 'none' && (change.after ?? change.before)?.type !== 'dir';
}

/**
 * Ties file changes to package changes: each package change counts the file changes of the files it
 * owns, and a changed package file whose owners have no package change is `unexplained`.
 */
function attribute(packages: PackageChange[], files: FileChange[]): void {
  const byOwner = new Map<string, PackageChange[]>();
  for (const p of packages) {
    const key = packageIdKey(p);
    byOwner.set(key, [...(byOwner.get(key) ?? []), p]);
  }
  for (const f of files) {
    if (f.ownership !== 'package') continue;
    const explainedBy = new Set<PackageChange>();
    for (const owner of f.owners) for (const p of byOwner.get(packageIdKey(owner)) ?? []) explainedBy.add(p);
    for (const p of explainedBy) p.fileChanges++;
    if (explainedBy.size === 0) f.unexplained = true;
  }
}

/**
 * Directories are never "owned" (many packages share them), but an empty directory a package lists
 * (`etc/ssl/certs` in ca-certificates) is explained by that package, not a non-packaged change.
 */
function explainListedDirectories(
  files: FileChange[],
  before: Inventory | undefined,
  after: Inventory,
): void {
  const dirChanges = files.filter((f) => f.ownership === 'none' && (f.after ?? f.before)?.type === 'dir');
  if (dirChanges.length === 0) return;
  const listers = (inv: Inventory | undefined): Map<string, PackageId[]> => {
    const wanted = new Set(dirChanges.map((f) => f.path));
    const map = new Map<string, PackageId[]>();
    for (const pkg of inv?.packages ?? []) {
      for (const file of pkg.files) {
        if (!wanted.has(file.path)) continue;
        map.set(file.path, [...(map.get(file.path) ?? []), pkg]);
      }
    }
    return map;
  };
  const afterListers = listers(after);
  const beforeListers = listers(before);
  for (const f of dirChanges) {
    const owners = (f.kind === 'removed' ? beforeListers : afterListers).get(f.path);
    if (!owners) continue;
    f.ownership = 'package';
    f.owners = uniquePackageIds(owners);
  }
}

/**
 * What changed from `before` to `after` (before undefined: a first release, compared with an empty
 * image, so everything in it is "added" and the policy sees all of it). Pure: no I/O, inputs untouched.
 */
export function diffInventories(
  before: Inventory | undefined,
  after: Inventory,
  options: DiffOptions,
): Changes {
  const packages = diffPackages(before?.packages ?? [], after.packages, {
    ...(before?.os ? { beforeOs: before.os } : {}),
    ...(after.os ? { afterOs: after.os } : {}),
  });
  const files = diffFiles(before?.files ?? fileList(), after.files);
  explainListedDirectories(files, before, after);
  attribute(packages, files);

  const excluded = excludeMatcher(options);
  for (const f of files) if (f.ownership === 'none' && excluded(f.path)) f.excluded = true;
  const shown = files.filter((f) => f.excluded !== true);
  const nonPackaged = shown.filter(isNonPackaged);

  const settings = diffSettings(before, after);
  const beforeLayers = new Set(before?.image.layers.map((l) => l.diffID) ?? []);
  const afterLayers = new Set(after.image.layers.map((l) => l.diffID));
  const layers = {
    shared: [...afterLayers].filter((d) => beforeLayers.has(d)).length,
    added: [...afterLayers].filter((d) => !beforeLayers.has(d)),
    removed: [...beforeLayers].filter((d) => !afterLayers.has(d)),
  };

  const countKinds = <K extends string>(
    items: readonly { kind: string }[],
    kinds: readonly K[],
    fold?: Record<string, K>,
  ) => {
    const out = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>;
    for (const { kind } of items) {
      const k = (fold?.[kind] ?? kind) as K;
      if (k in out) out[k]++;
    }
    return out;
  };
  const counts: Changes['counts'] = {
    packages: countKinds(packages, ['added', 'removed', 'upgraded', 'downgraded', 'rebuilt'] as const),
    files: countKinds(shown, ['added', 'removed', 'modified', 'metadata'] as const),
    nonPackaged: countKinds(nonPackaged, ['added', 'removed', 'modified'] as const, { metadata: 'modified' }),
    unexplained: files.filter((f) => f.unexplained === true).length,
    excluded: files.length - shown.length,
    settings: settingChanges(settings).length,
  };

  const firstRelease = before === undefined;
  const platformChanged = before !== undefined && before.image.platform !== after.image.platform;
  const osChanged =
    before !== undefined &&
    ((before.os?.id ?? '') !== (after.os?.id ?? '') ||
      (before.os?.versionId ?? '') !== (after.os?.versionId ?? ''));
  const hasChanges =
    firstRelease ||
    packages.length > 0 ||
    shown.length > 0 ||
    settings.some((s) => !DERIVED_SETTING_KEYS.has(s.key));

  const osRelease = before !== undefined ? classifyOsChange(before.os, after.os) : undefined;
  const changes: Changes = {
    after: side(after),
    firstRelease,
    platformChanged,
    osChanged,
    packages,
    files,
    rollup: rollUp(nonPackaged, options.depth),
    folds: foldNoise(nonPackaged),
    settings,
    attention: [],
    ...(osRelease ? { osRelease } : {}),
    layers,
    counts,
    options: {
      exclude: [...options.exclude],
      defaultExcludes: options.defaultExcludes,
      depth: options.depth,
    },
    hasChanges,
    security: summarizeSecurity(packages),
    problems: [
      ...(before?.problems ?? []).map((p) => ({ image: 'before' as const, ...p })),
      ...after.problems.map((p) => ({ image: 'after' as const, ...p })),
    ],
  };
  if (before) changes.before = side(before);
  changes.attention = computeAttention(before, after, changes);
  return changes;
}
