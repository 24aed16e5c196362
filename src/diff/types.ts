import type {
  ChangelogEntry,
  Ecosystem,
  ImageSummary,
  OsRelease,
  Package,
  PackageId,
} from '../catalog/types.js';
import type { VersionBump } from '../catalog/versions/scheme.js';
import type { FileEntry } from '../layers/types.js';

import type { OsReleaseChange } from './os-release-change.js';

export type PackageChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded' | 'rebuilt';
/** How far a package's version moved (the version schemes decide). */
export type Bump = VersionBump;

export interface PackageChange {
  kind: PackageChangeKind;
  ecosystem: Ecosystem;
  name: string;
  arch?: string;
  /** Where the package was found (database or manifest path) in the new image, else the old. */
  location: string;
  before?: PackageRef;
  after?: PackageRef;
  /** For upgrades and downgrades, when the scheme tells. */
  bump?: Bump;
  /** Number of file changes in the tree explained by this package change. */
  fileChanges: number;
  /** Upgrades and downgrades: why, from the package's own changelog (see diff/change-notes.ts). */
  changelog?: ChangeNotes;
}

/**
 * The changelog entries between the two versions of an upgrade (what it brings) or a downgrade (what
 * it undoes), newest first, with the security ids they name.
 */
export interface ChangeNotes {
  entries: ChangelogEntry[];
  /** CVE ids named in exactly those entries, sorted by year and number. */
  cves: string[];
  /** The distribution's own advisory and bug ids in those entries (DSA-…, RHSA-…, RHEL-…, Debian#…), sorted. */
  advisories: string[];
  /** Names CVEs, or comes from a security pocket (a `*-security` distribution). */
  security: boolean;
  /** Where the entries were read (the rpm database, the changelog file), when they were. */
  source?: string;
  /** Older entries than the image keeps may belong here: the list (and its ids) can be incomplete. */
  incomplete?: boolean;
  /** Why there are no entries, in one line of our own words (no changelog in the image, none kept by apk). */
  missing?: string;
  /** Where to read more: the distribution's public changelog, the aports commit range, the package's own changelog URL. */
  link?: string;
}

export interface PackageRef {
  version: string;
  source?: { name: string; version?: string };
}

export type FileChangeKind = 'added' | 'removed' | 'modified' | 'metadata';

/** Which metadata differ on a `modified`/`metadata` change. */
export type FileAspect = 'content' | 'mode' | 'uid' | 'gid' | 'type' | 'link' | 'size' | 'xattrs';

/** A path's state on one side of a change: the compared facts of its entry, and the layer that wrote it. */
export interface FileState extends Pick<
  FileEntry,
  'type' | 'mode' | 'uid' | 'gid' | 'size' | 'sha256' | 'link'
> {
  layer: number;
  /** File capabilities in getcap's form (`cap_net_raw=ep`), when the file has any. */
  capabilities?: string;
  /** Names of the file's extended attributes, sorted, when it has any. */
  xattrs?: string[];
}

export interface FileChange {
  path: string;
  kind: FileChangeKind;
  aspects: FileAspect[];
  before?: FileState;
  after?: FileState;
  /** The packages owning the path (after, else before), sorted; JSON writes each as `ecosystem:name`. */
  owners: PackageId[];
  /** 'package' owned, 'state' package-manager state, 'none' non-packaged. */
  ownership: 'package' | 'state' | 'none';
  /** A package owns it, but no package change of that owner explains the change. */
  unexplained?: boolean;
  /** Package database digest no longer matches the file content (after image). */
  modifiedAfterInstall?: boolean;
  /** Matched an exclude glob: kept out of counts and renderings, listed only in JSON. */
  excluded?: boolean;
  /** Derived noise: the id of the fold (Changes.folds) whose one row stands for this path. */
  fold?: string;
}

/**
 * Derived non-packaged paths shown as one row (see diff/noise.ts): the trust store a tool links and
 * bundles from the certificates, caches rebuilt by triggers, the names of one hardlinked content.
 */
export interface FileFold {
  /** `trust-store`, `caches`, or `hardlinks:<target>`; folded changes carry it as `fold`. */
  id: string;
  kind: 'trust-store' | 'caches' | 'hardlinks';
  /** trust-store: `etc/ssl/certs`; hardlinks: the path the links name; caches: ''. */
  path: string;
  /** Folded paths, and how many were added, removed, modified (metadata counts as modified). */
  paths: number;
  added: number;
  removed: number;
  modified: number;
  /** Sum of the size changes of the folded paths, in bytes. */
  bytes: number;
  /** trust-store: certificates added, removed, changed (by their hash links, else their name links). */
  certificates?: { added: number; removed: number; changed: number };
  /** trust-store: the bundles among the paths; caches: the cache paths. */
  members?: string[];
}

/** Directory-depth rollup of non-packaged changes. */
export interface RollupRow {
  /** Directory prefix (depth-limited), or the full path when depth is `all`. */
  path: string;
  added: number;
  removed: number;
  modified: number;
}

export interface SettingChange {
  /** e.g. `user`, `entrypoint`, `env.PATH`, `label.org.opencontainers.image.version`, `ports`. */
  key: string;
  before?: string;
  after?: string;
  /** Value was redacted (secret-looking env key). */
  redacted?: boolean;
}

/**
 * Kinds of Attention item, in the order they rank within a severity. Extensible: a new fact adds its
 * kind here (and to the report schema), and `computeAttention` or another producer emits it.
 */
export const ATTENTION_KINDS = [
  'secret',
  'secret-setting',
  'entrypoint',
  'root-user',
  'setuid',
  'setgid',
  'capability',
  'account',
  'group',
  'world-writable',
  'port',
  'downgrade',
  'os-release',
  'tool',
  'modified-package-file',
  'tool-removed',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];
export type AttentionSeverity = 'high' | 'medium' | 'low';

/**
 * One notable fact, shown before everything else on every surface whether or not a policy runs.
 * `what` and `why` are our own words (no image text); `where` and `details` come from the image and
 * are escaped by every renderer.
 */
export interface AttentionItem {
  kind: AttentionKind;
  severity: AttentionSeverity;
  /** What happened, e.g. `file capability gained`. */
  what: string;
  /** Where: a path, a setting key, a user or group name, a package name. */
  where: string;
  whereKind: 'path' | 'setting' | 'user' | 'group' | 'package' | 'os';
  /** Facts about it, e.g. `cap_net_raw=ep`, `uid 0`, `shell /bin/bash`, `package curl`. */
  details: string[];
  /** Why it matters. */
  why: string;
  /** A finer kind, for policies: the tool class (`network`...), the OS change (`major`, `point`, `distribution`), `added`/`removed`/`changed` for accounts. */
  subtype?: string;
  /** The layer that brought it (index bottom first, and its history entry); absent for image settings. */
  layer?: { index: number; createdBy?: string };
}

export interface ImageSide {
  summary: ImageSummary;
  os?: OsRelease;
  packageCount: number;
  fileCount: number;
  user: string;
}

export interface DiffOptions {
  /** Exclude globs added to (or, with `defaultExcludes: false`, replacing) the defaults. */
  exclude: string[];
  defaultExcludes: boolean;
  /** Rollup depth for non-packaged files; `all` lists every path. */
  depth: number | 'all';
}

export interface Changes {
  /** Undefined for a first release (no previous image). */
  before?: ImageSide;
  after: ImageSide;
  firstRelease: boolean;
  platformChanged: boolean;
  osChanged: boolean;
  packages: PackageChange[];
  /** Every changed path, sorted; includes excluded ones (flagged). */
  files: FileChange[];
  /** Non-packaged (ownership 'none'), not excluded, rolled up by depth. */
  rollup: RollupRow[];
  /** Derived noise among the non-packaged changes, each shown as one row (the paths stay in `files`). */
  folds: FileFold[];
  settings: SettingChange[];
  /** Notable facts, most serious first (see AttentionItem). */
  attention: AttentionItem[];
  /** How the base distribution changed, when it did. */
  osRelease?: OsReleaseChange;
  /** Layer digests: added and removed (by diffID), with the shared count. */
  layers: { shared: number; added: string[]; removed: string[] };
  counts: {
    packages: Record<'added' | 'removed' | 'upgraded' | 'downgraded' | 'rebuilt', number>;
    files: { added: number; removed: number; modified: number; metadata: number };
    nonPackaged: { added: number; removed: number; modified: number };
    unexplained: number;
    excluded: number;
    /** Setting changes, overview facts (sizes, layers, history, OS, platform) left out: see settingChanges. */
    settings: number;
  };
  options: DiffOptions;
  hasChanges: boolean;
  /** CVEs the upgrades fix and downgrades reopen, from the packages' changelogs. */
  security?: SecuritySummary;
  /**
   * What could not be read as it should (a file left out of the capture budget, a hardlink to a
   * missing target, a database that did not parse), per image: the changelog may be incomplete there.
   */
  problems: ReadProblem[];
}

/** A problem met while reading one of the two images. */
export interface ReadProblem {
  image: 'before' | 'after';
  code: string;
  path: string;
  /** Index of the layer (0-based, bottom first), when one layer is to blame. */
  layer?: number;
  message: string;
}

export type { Package };

/**
 * The security side of a changelog, over every upgrade and downgrade: which CVEs the upgrades fix,
 * which ones downgrades reopen, and which fixes are the most notable.
 *
 * "Most notable" without a vulnerability database: the words of the entry line that names the CVE
 * (as the distribution wrote it: "buffer overflow in ld.so leading to privilege escalation") ranked
 * by impact (code execution and privilege escalation, then memory corruption, then information
 * leaks and denial of service), then by how many changed packages carry the fix, then newest id first.
 */
export interface CveMention {
  id: string;
  /** Names of the changed packages whose entries name it, sorted. */
  packages: string[];
  /** The entry line naming it (first seen), trimmed: the distribution's own words. */
  line: string;
  /** Impact rank from those words (higher is worse); 0 when they say nothing about impact. */
  impact: number;
}

export interface SecuritySummary {
  /** CVEs named in the entries the upgrades bring, most notable first. */
  fixed: CveMention[];
  /** CVEs named in the entries downgrades undo, most notable first. */
  reopened: CveMention[];
  /** Upgrades labelled security updates (CVE entries or a security pocket). */
  securityUpdates: number;
  /** Upgrades and downgrades whose entries may be incomplete or could not be read. */
  withoutEntries: number;
}
