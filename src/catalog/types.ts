import type { EntryType, FileTree, TreeEntry } from '../layers/types.js';

import type { Ecosystem } from './ecosystems.js';
import type { PackageId } from './package-id.js';

export type { Ecosystem, LangEcosystem, OsEcosystem, SelfIdentifiedEcosystem } from './ecosystems.js';
export type { PackageId } from './package-id.js';

export interface OsRelease {
  id: string;
  versionId?: string;
  prettyName?: string;
  versionCodename?: string;
  idLike?: string[];
  /** Path the data came from (etc/os-release or usr/lib/os-release). */
  path: string;
}

export type DigestAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface FileDigest {
  algorithm: DigestAlgorithm;
  /** Lower-case hex. */
  value: string;
}

/** A file a package database says the package installed. */
export interface OwnedFile {
  /** Normalised like FileEntry.path (no leading `/`). */
  path: string;
  digest?: FileDigest;
  /** Mode recorded by the database, when it records one (rpm). */
  mode?: number;
  /** dpkg conffile / rpm %config: the admin may edit it. */
  config?: boolean;
  /** rpm: a %ghost file (not shipped in the package payload). */
  ghost?: boolean;
  /** dpkg: an obsolete conffile (no longer shipped by this version; dpkg still tracks it and leaves it on disk). */
  obsolete?: boolean;
}

export interface Package {
  ecosystem: Ecosystem;
  name: string;
  /** Full version in the ecosystem's own syntax (dpkg: `[epoch:]upstream[-revision]`, rpm: `[epoch:]version-release`). */
  version: string;
  arch?: string;
  /** Source package / origin (dpkg Source, apk origin, rpm source rpm), when known. */
  source?: { name: string; version?: string };
  license?: string;
  /** Path of the database or manifest the package was found in (a runtime: its installation directory). */
  location: string;
  /** Every path the package was found at, when more than one (RubyGems counts a gem once); `location` is the first. */
  locations?: string[];
  /** Index of the layer that provided that database or manifest. */
  layer: number;
  files: OwnedFile[];
  /** Extra, ecosystem-specific facts (e.g. apk checksum, go module path). Strings only. */
  metadata?: Record<string, string>;
  /** The package's own changelog as the image holds it (newest entries first, bounded). */
  changelog?: PackageChangelog;
}

/** One entry of a package's own changelog (an rpm header entry, a Debian changelog stanza, a CHANGELOG section). */
export interface ChangelogEntry {
  /** The version the entry is for, when the format names it. */
  version?: string;
  /** rpm CHANGELOGNAME, the Debian trailer's maintainer. */
  author?: string;
  /** Seconds since the epoch (rpm CHANGELOGTIME, the Debian trailer's date), when known. */
  time?: number;
  /** Debian: the entry's distributions (`bookworm-security`). */
  distribution?: string;
  /** Debian: the urgency (`medium`, `high`). */
  urgency?: string;
  /** The entry's text, as written (bullets and indentation kept), at most MAX_ENTRY_CHARS. */
  text: string;
}

/** Where a package's changelog came from and how much of it is kept. */
export interface PackageChangelog {
  /** `rpm`: header tags; `debian`: changelog.Debian(.gz); `text`: a CHANGELOG/HISTORY/NEWS file. */
  format: 'rpm' | 'debian' | 'text';
  /** The rpm database, or the changelog file, it was read from. */
  path: string;
  /** Newest first. */
  entries: ChangelogEntry[];
  /** Older entries exist in the image but were not kept (size bounds, a truncated or damaged file). */
  truncated?: boolean;
}

/** A problem found while cataloging: reported, never fatal. */
export interface Problem {
  code: string;
  /** Path of the file that could not be understood. */
  path: string;
  layer?: number;
  message: string;
}

/** A captured file handed to a cataloger: its path, the layer that last wrote it, and its content. */
export interface CatalogFile {
  readonly path: string;
  /** Index (0-based, bottom first) of the layer the file in the final tree came from. */
  readonly layer: number;
  readonly content: Buffer;
}

/**
 * What a cataloger sees (built by catalog/runner.ts): the squashed tree and exactly the captured files
 * its globs selected, each with its layer.
 */
export interface CatalogContext {
  tree: FileTree;
  /** The captured files the cataloger's globs matched, sorted by path. */
  files: readonly CatalogFile[];
  /** The one of `files` at `path` (undefined when the image lacks it or the globs did not select it). */
  file(path: string): CatalogFile | undefined;
}

export interface CatalogResult {
  packages: Package[];
  problems: Problem[];
  /** Paths the package manager itself wrote (its databases, caches): classed as state, not as non-packaged files. */
  stateGlobs?: string[];
}

/** One ecosystem: which files it needs (globs) and a pure function over them. */
export interface Cataloger {
  readonly id: string;
  readonly ecosystem: Ecosystem;
  /** Globs (picomatch, no leading `/`) of files whose contents this cataloger reads. */
  readonly globs: readonly string[];
  /** Globs of package-manager state (databases, caches), classed apart from non-packaged files. */
  readonly stateGlobs: readonly string[];
  catalog(ctx: CatalogContext): CatalogResult | Promise<CatalogResult>;
}

export type Ownership = 'package' | 'state' | 'none';

/** A path of the image with what we know about it. */
export interface InventoryFile extends TreeEntry {
  ownership: Ownership;
  /** The packages claiming this path (files and links only), sorted. */
  owners?: PackageId[];
  /** The package database recorded a different digest than the file has now. */
  modifiedAfterInstall?: boolean;
  /** An owning package marks this path as configuration (dpkg conffile, rpm %config): edits are expected. */
  config?: boolean;
}

/**
 * Every path of an image, sorted by path (code-unit order), with what we know about it. A large image
 * has hundreds of thousands, so the inventory does not keep one object per path: iteration and `get`
 * build each InventoryFile when asked (a new object each time; changing it changes nothing stored).
 */
export interface FileList extends Iterable<InventoryFile> {
  readonly length: number;
  /** The file at `path`, or undefined when the image has no such path. */
  get(path: string): InventoryFile | undefined;
  /** True when some path of the list lies directly in directory `dir`. */
  holdsEntries(dir: string): boolean;
  /** The paths directly in directory `dir` (not below it), sorted by path. */
  inDirectory(dir: string): InventoryFile[];
  /** Each path's type, size and ownership in path order, for whole-list counts (builds no file objects). */
  forEachShape(fn: (type: EntryType, size: number, ownership: Ownership) => void): void;
}

export interface ImageSummary {
  reference: string;
  manifestDigest: string;
  indexDigest?: string;
  platform: string;
  configDigest: string;
  created?: string;
  layers: Array<{
    digest: string;
    diffID: string;
    size: number;
    uncompressedSize: number;
    createdBy?: string;
    /** How the layer is stored, from its first bytes (gzip, zstd, or none: an uncompressed tar). */
    compression?: 'gzip' | 'zstd' | 'none';
  }>;
  compressedSize: number;
  uncompressedSize: number;
}

/** Everything we know about one image: the input to the diff and the policy. */
export interface Inventory {
  image: ImageSummary;
  config: import('../oci/types.js').ImageConfig;
  os?: OsRelease;
  packages: Package[];
  /** Every path of the squashed tree, sorted by path. */
  files: FileList;
  problems: Problem[];
  /** Users and groups (etc/passwd, etc/group, etc/shadow), when the image has those files. */
  accounts?: import('./accounts/accounts.js').Accounts;
  /** Whether the entrypoint (else the command) names an executable file; absent when neither is set. */
  launch?: import('./launch.js').LaunchCheck;
}

export type { FileTree, TreeEntry };
