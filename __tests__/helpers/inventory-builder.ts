import { createHash } from 'node:crypto';
import type {
  Ecosystem,
  Inventory,
  InventoryFile,
  OsRelease,
  OwnedFile,
  Package,
  PackageId,
} from '../../src/catalog/types.js';
import type { ImageConfig } from '../../src/oci/types.js';
import type { EntryType } from '../../src/layers/types.js';
import { fileList } from '../../src/catalog/file-list.js';

/**
 * Hand-built Inventories for diff, render and policy tests: say only what the test is about.
 *
 *   const base = () => new InventoryBuilder().os('debian', '12', 'Debian GNU/Linux 12 (bookworm)')
 *     .pkg('dpkg', 'openssl', '3.0.11-1', { files: ['usr/bin/openssl'] });
 *   const before = base().build();
 *   const after = base().pkg('dpkg', 'openssl', '3.0.13-1', { files: ['usr/bin/openssl'] }).build();
 *
 * A package's files are added to the tree with content derived from (name, version, path), owned by
 * `ecosystem:name`, and recorded in the package with that digest, so an upgrade changes their content.
 * Calling `pkg` again with the same identity (ecosystem, name, arch, location) replaces the package.
 */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface FileSpec {
  type?: EntryType;
  /** Content text (hashed into sha256 and sized); default: the path. */
  content?: string;
  sha256?: string;
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  link?: string;
  layer?: number;
  ownership?: InventoryFile['ownership'];
  owners?: PackageId[];
  modifiedAfterInstall?: boolean;
}

export interface PackageSpec {
  arch?: string;
  location?: string;
  source?: { name: string; version?: string };
  /** Owned paths (added to the tree unless `tree: false`), or full OwnedFile records. */
  files?: Array<string | OwnedFile>;
  /** Seed of owned file contents (default: the version): keep it to model a rebuild or an unchanged file. */
  contentSeed?: string;
  tree?: boolean;
  metadata?: Record<string, string>;
}

export class InventoryBuilder {
  private readonly files = new Map<string, InventoryFile>();
  private readonly packages = new Map<string, Package>();
  private layerList: Inventory['image']['layers'] = [];
  private osRelease: OsRelease | undefined;
  private cfg: NonNullable<ImageConfig['config']> = {};
  private platformName = 'linux/amd64';
  private ref: string;
  private digest = `sha256:${'d'.repeat(64)}`;

  constructor(reference = 'registry.example/app:1') {
    this.ref = reference;
    this.layer('base');
  }

  clone(): InventoryBuilder {
    const b = new InventoryBuilder(this.ref);
    for (const [k, f] of this.files) b.files.set(k, structuredClone(f));
    for (const [k, p] of this.packages) b.packages.set(k, structuredClone(p));
    b.layerList = structuredClone(this.layerList);
    b.osRelease = this.osRelease && { ...this.osRelease };
    b.cfg = structuredClone(this.cfg);
    b.platformName = this.platformName;
    b.digest = this.digest;
    return b;
  }

  reference(ref: string, digest?: string): this {
    this.ref = ref;
    if (digest) this.digest = digest;
    return this;
  }

  platform(p: string): this {
    this.platformName = p;
    return this;
  }

  os(id: string, versionId?: string, prettyName?: string): this {
    this.osRelease = {
      id,
      path: 'etc/os-release',
      ...(versionId ? { versionId } : {}),
      ...(prettyName ? { prettyName } : {}),
    };
    return this;
  }

  config(config: NonNullable<ImageConfig['config']>): this {
    this.cfg = { ...this.cfg, ...config };
    return this;
  }

  /** Appends a layer whose diffID derives from `name`. */
  layer(name: string, size = 1000, createdBy = `RUN ${name}`): this {
    this.layerList.push({
      digest: `sha256:${sha256(`blob:${name}`)}`,
      diffID: `sha256:${sha256(`tar:${name}`)}`,
      size,
      uncompressedSize: size * 3,
      createdBy,
    });
    return this;
  }

  /** Replaces all layers. */
  layers(...names: string[]): this {
    this.layerList = [];
    for (const n of names) this.layer(n);
    return this;
  }

  file(path: string, spec: FileSpec = {}): this {
    const type = spec.type ?? 'file';
    const content = spec.content ?? path;
    const regular = type === 'file' || type === 'hardlink';
    const f: InventoryFile = {
      path,
      type,
      mode: spec.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644),
      uid: spec.uid ?? 0,
      gid: spec.gid ?? 0,
      size: spec.size ?? (regular ? Buffer.byteLength(content) : 0),
      layer: spec.layer ?? 0,
      ownership: spec.ownership ?? (spec.owners && spec.owners.length > 0 ? 'package' : 'none'),
    };
    if (regular) f.sha256 = spec.sha256 ?? sha256(content);
    if (spec.link !== undefined) f.link = spec.link;
    if (spec.owners) f.owners = spec.owners;
    if (spec.modifiedAfterInstall) f.modifiedAfterInstall = true;
    this.files.set(path, f);
    return this;
  }

  dir(path: string, spec: FileSpec = {}): this {
    return this.file(path, { ...spec, type: 'dir' });
  }

  symlink(path: string, target: string, spec: FileSpec = {}): this {
    return this.file(path, { ...spec, type: 'symlink', link: target });
  }

  remove(path: string): this {
    this.files.delete(path);
    return this;
  }

  pkg(ecosystem: Ecosystem, name: string, version: string, spec: PackageSpec = {}): this {
    const location = spec.location ?? defaultLocation(ecosystem, name, version);
    const key = [ecosystem, name, spec.arch ?? '', location].join('|');
    const owner: PackageId = { ecosystem, name };
    const seed = spec.contentSeed ?? version;
    const files: OwnedFile[] = (spec.files ?? []).map((f) => {
      if (typeof f !== 'string') return f;
      return { path: f, digest: { algorithm: 'sha256', value: sha256(`${name}@${seed}:${f}`) } };
    });
    const p: Package = { ecosystem, name, version, location, layer: 0, files };
    if (spec.arch !== undefined) p.arch = spec.arch;
    if (spec.source) p.source = spec.source;
    if (spec.metadata) p.metadata = spec.metadata;
    // Replacing a package by an identity with a version in its location: drop the old one of that name.
    if (!['dpkg', 'apk', 'rpm'].includes(ecosystem))
      for (const [k, old] of this.packages)
        if (
          old.ecosystem === ecosystem &&
          old.name === name &&
          (old.arch ?? '') === (spec.arch ?? '') &&
          k !== key &&
          sameSlot(old, p)
        )
          this.packages.delete(k);
    this.packages.set(key, p);
    if (spec.tree !== false) {
      for (const f of spec.files ?? []) {
        const path = typeof f === 'string' ? f : f.path;
        const existing = this.files.get(path);
        const owners = [...(existing?.owners ?? []).filter((o) => !sameId(o, owner)), owner];
        this.file(path, { content: `${name}@${seed}:${path}`, owners });
      }
    }
    return this;
  }

  unpkg(ecosystem: Ecosystem, name: string, arch?: string): this {
    const owner: PackageId = { ecosystem, name };
    for (const [k, p] of this.packages) {
      if (p.ecosystem !== ecosystem || p.name !== name || (arch !== undefined && p.arch !== arch)) continue;
      this.packages.delete(k);
      for (const f of p.files) {
        const entry = this.files.get(f.path);
        if (!entry) continue;
        const rest = (entry.owners ?? []).filter((o) => !sameId(o, owner));
        if (rest.length === 0) this.files.delete(f.path);
        else entry.owners = rest;
      }
    }
    return this;
  }

  build(): Inventory {
    const layers = structuredClone(this.layerList);
    const inv: Inventory = {
      image: {
        reference: this.ref,
        manifestDigest: this.digest,
        platform: this.platformName,
        configDigest: `sha256:${'c'.repeat(64)}`,
        layers,
        compressedSize: layers.reduce((n, l) => n + l.size, 0),
        uncompressedSize: layers.reduce((n, l) => n + l.uncompressedSize, 0),
      },
      config: {
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
        config: structuredClone(this.cfg),
      },
      packages: [...this.packages.values()].map((p) => structuredClone(p)),
      files: fileList([...this.files.values()].map((f) => structuredClone(f))),
      problems: [],
    };
    if (this.osRelease) inv.os = { ...this.osRelease };
    return inv;
  }
}

function defaultLocation(ecosystem: Ecosystem, name: string, version: string): string {
  switch (ecosystem) {
    case 'dpkg':
      return 'var/lib/dpkg/status';
    case 'apk':
      return 'lib/apk/db/installed';
    case 'rpm':
      return 'var/lib/rpm/rpmdb.sqlite';
    case 'npm':
      return `usr/lib/node_modules/${name}/package.json`;
    case 'python':
      return `usr/lib/python3/dist-packages/${name}-${version}.dist-info/METADATA`;
    case 'gem':
      return `usr/lib/ruby/gems/3.1.0/specifications/${name}-${version}.gemspec`;
    default:
      return `app/${ecosystem}/${name}`;
  }
}

/** The same place with the version taken out (a python dist-info keeps its slot across an upgrade). */
function sameSlot(a: Package, b: Package): boolean {
  const strip = (p: Package) => (p.version === '' ? p.location : p.location.split(p.version).join('*'));
  return strip(a) === strip(b);
}

function sameId(a: PackageId, b: PackageId): boolean {
  return a.ecosystem === b.ecosystem && a.name === b.name;
}
