import { settingChanges } from '../../src/diff/settings.js';
import type { ImageConfig } from '../../src/oci/types.js';
import type { Ecosystem, Inventory, InventoryFile, OsRelease, Package } from '../../src/catalog/types.js';
import type {
  Changes,
  FileChange,
  FileState,
  ImageSide,
  PackageChange,
  SettingChange,
} from '../../src/diff/types.js';
import { fileList } from '../../src/catalog/file-list.js';

/** Hand-built inputs for the policy: small, explicit, each field what the test says. */

export function fileState(overrides: Partial<FileState> = {}): FileState {
  return {
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 100,
    sha256: 'a'.repeat(64),
    layer: 1,
    ...overrides,
  };
}

export function fileChange(
  path: string,
  kind: FileChange['kind'],
  overrides: Partial<FileChange> = {},
): FileChange {
  const change: FileChange = {
    path,
    kind,
    aspects: kind === 'modified' ? ['content'] : [],
    owners: [],
    ownership: 'none',
    ...overrides,
  };
  if (kind !== 'removed' && !('after' in overrides)) change.after = fileState();
  if (kind !== 'added' && !('before' in overrides)) change.before = fileState({ layer: 0 });
  return change;
}

export function packageChange(
  ecosystem: Ecosystem,
  name: string,
  kind: PackageChange['kind'],
  before: string | undefined,
  after: string | undefined,
  bump?: PackageChange['bump'],
): PackageChange {
  const change: PackageChange = { kind, ecosystem, name, location: 'var/lib/dpkg/status', fileChanges: 0 };
  if (before !== undefined) change.before = { version: before };
  if (after !== undefined) change.after = { version: after };
  if (bump !== undefined) change.bump = bump;
  return change;
}

export function pkg(
  ecosystem: Ecosystem,
  name: string,
  version: string,
  location = 'var/lib/dpkg/status',
): Package {
  return { ecosystem, name, version, location, layer: 0, files: [] };
}

export function inventoryFile(path: string, overrides: Partial<InventoryFile> = {}): InventoryFile {
  return {
    path,
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 100,
    layer: 1,
    ownership: 'none',
    ...overrides,
  };
}

export interface InventoryOptions {
  os?: OsRelease;
  packages?: Package[];
  files?: InventoryFile[];
  config?: NonNullable<ImageConfig['config']>;
  uncompressedSize?: number;
  layers?: number;
}

export function os(id: string, versionId?: string): OsRelease {
  return versionId === undefined ? { id, path: 'etc/os-release' } : { id, versionId, path: 'etc/os-release' };
}

export function inventory(options: InventoryOptions = {}): Inventory {
  const layerCount = options.layers ?? 2;
  const layers = Array.from({ length: layerCount }, (_, i) => ({
    digest: `sha256:${String(i).repeat(64).slice(0, 64)}`,
    diffID: `sha256:${String(i + 1)
      .repeat(64)
      .slice(0, 64)}`,
    size: 10,
    uncompressedSize: 20,
  }));
  const inv: Inventory = {
    image: {
      reference: 'oci:new',
      manifestDigest: 'sha256:' + 'b'.repeat(64),
      platform: 'linux/amd64',
      configDigest: 'sha256:' + 'c'.repeat(64),
      layers,
      compressedSize: 50_000_000,
      uncompressedSize: options.uncompressedSize ?? 100_000_000,
    },
    config: {
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
      config: options.config ?? {},
    },
    packages: options.packages ?? [],
    files: fileList(options.files),
    problems: [],
  };
  if (options.os !== undefined) inv.os = options.os;
  return inv;
}

export interface ChangesOptions {
  /** The previous image's side; `null` for a first release. */
  before?: Partial<ImageSide> | null;
  after?: Partial<ImageSide>;
  packages?: PackageChange[];
  files?: FileChange[];
  settings?: SettingChange[];
}

function side(overrides: Partial<ImageSide>, uncompressedSize: number): ImageSide {
  return {
    summary: {
      reference: 'oci:x',
      manifestDigest: 'sha256:' + 'd'.repeat(64),
      platform: 'linux/amd64',
      configDigest: 'sha256:' + 'e'.repeat(64),
      layers: [],
      compressedSize: uncompressedSize / 2,
      uncompressedSize,
    },
    packageCount: 0,
    fileCount: 0,
    user: '',
    ...overrides,
  };
}

/** Changes between a previous image (100 MB, Debian 12 unless told) and the new one. */
export function changes(options: ChangesOptions = {}): Changes {
  const packages = options.packages ?? [];
  const files = options.files ?? [];
  const count = <K extends string>(kinds: readonly K[], list: Array<{ kind: string }>): Record<K, number> =>
    Object.fromEntries(kinds.map((k) => [k, list.filter((x) => x.kind === k).length])) as Record<K, number>;
  const before =
    options.before === null ? undefined : side({ os: os('debian', '12'), ...options.before }, 100_000_000);
  const result: Changes = {
    after: side({ os: os('debian', '12'), ...options.after }, 100_000_000),
    firstRelease: before === undefined,
    platformChanged: false,
    osChanged: false,
    packages,
    files,
    rollup: [],
    folds: [],
    settings: options.settings ?? [],
    attention: [],
    layers: { shared: 1, added: [], removed: [] },
    problems: [],
    counts: {
      packages: count(['added', 'removed', 'upgraded', 'downgraded', 'rebuilt'] as const, packages),
      files: count(['added', 'removed', 'modified', 'metadata'] as const, files),
      nonPackaged: count(
        ['added', 'removed', 'modified'] as const,
        files.filter((f) => f.ownership === 'none'),
      ),
      unexplained: 0,
      excluded: 0,
      settings: settingChanges(options.settings ?? []).length,
    },
    options: { exclude: [], defaultExcludes: true, depth: 2 },
    hasChanges: packages.length + files.length > 0,
  };
  if (before !== undefined) result.before = before;
  return result;
}
