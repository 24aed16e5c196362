import type { Ecosystem } from '../catalog/types.js';
import type { FileChangeKind, PackageChangeKind } from '../diff/types.js';
import type { RuleAction } from './types.js';
import type { SecretKind } from '../catalog/probes/secret-kinds.js';
import type { ToolClass } from '../diff/attention/tools.js';

/** A loaded policy: its rules (after `extends` was applied) and its allowlist. */
export interface Policy {
  /** Where it came from: the file path, or `recommended`. */
  source: string;
  /** The built-in policy this one extends, if any. */
  extends?: 'recommended';
  rules: PolicyRule[];
  allow: Allowance[];
}

export type PolicyRule = PackageRule | FileRule | SecretRule | ImageRule;
export type RuleKind = PolicyRule['kind'];

interface RuleCommon {
  id: string;
  description?: string;
  action: RuleAction;
  /** `FILE:LINE:COL` of the rule's definition (for messages that point back at the policy). */
  definedAt: string;
}

export interface PackageRule extends RuleCommon {
  kind: 'packages';
  match: PackageMatch;
}

export interface FileRule extends RuleCommon {
  kind: 'files';
  match: FileMatch;
}

export interface SecretRule extends RuleCommon {
  kind: 'secrets';
  match: SecretMatch;
}

export interface ImageRule extends RuleCommon {
  kind: 'image';
  match: ImageMatch;
}

/** All given conditions must hold (AND); a list means any of its values (OR). */
export interface PackageMatch {
  /** Globs over the package name (`*` also crosses `/`, so `@types/*` and `*` both work). */
  name?: string[];
  ecosystem?: Ecosystem[];
  change?: PackageChangeKind[];
  bump?: Array<'major' | 'minor' | 'patch'>;
  /** Checked against the new version (the old one for a removal, the present one with `present`). */
  version?: VersionConstraint;
  /** A deny list over the whole new inventory instead of over the changes. */
  present?: boolean;
  /** `false` leaves out calendar-versioned packages (tzdata 2024a, ca-certificates 20240203). */
  calendarVersions?: boolean;
  /** `true`: only changes whose undone changelog entries name a CVE (a downgrade reopening a fix); `false`: the others. */
  reopensCve?: boolean;
  /**
   * `true`: only when the base OS moved to another major release in this pair; `false`: only when it did
   * not (library bumps that follow a Debian 12 -> 13 upgrade then do not each report).
   */
  withOsMajorUpgrade?: boolean;
}

/** A constraint in the package's own scheme. */
export interface VersionConstraint {
  text: string;
  /** Set when the text is a valid semver range (used for npm packages). */
  semverRange?: string;
  /** Set when the text is a list of `OP VERSION` clauses joined by `,` (AND), for every scheme. */
  clauses?: VersionClause[];
}

export interface VersionClause {
  op: '<' | '<=' | '>' | '>=' | '=' | '!=';
  version: string;
}

/** All given conditions must hold. Conditions on the file itself look at its new state. */
export interface FileMatch {
  path?: string[];
  change?: FileChangeKind[];
  nonPackaged?: boolean;
  /** The file (regular) gained setuid, or was added with it. */
  setuid?: boolean;
  setgid?: boolean;
  /** Writable by others; symlinks and sticky directories (like `tmp`) never count. */
  worldWritable?: boolean;
  /** A regular file with any execute bit. */
  executable?: boolean;
  minSize?: number;
  maxSize?: number;
  ownerRoot?: boolean;
  modifiedAfterInstall?: boolean;
  /** New size / old size of a modified regular file is at least this (files empty before never match). */
  sizeGrowthFactor?: number;
}

export interface SecretMatch {
  /** Kinds to report; default all. */
  kinds?: SecretKind[];
  path?: string[];
  nonPackaged?: boolean;
}

/** Each check reports on its own (they are about different settings). */
export interface ImageMatch {
  /** The new image runs as root: user empty, `root`, `0`, or `0:GROUP`/`root:GROUP`. */
  runsAsRoot?: boolean;
  /** The previous image ran as another user and the new one runs as root. */
  switchedToRoot?: boolean;
  newPorts?: boolean;
  /** A secret-looking environment variable was added or changed. */
  secretEnv?: boolean;
  /** Uncompressed size grew by more than all the given thresholds. */
  sizeGrowth?: { percent?: number; bytes?: number };
  maxLayers?: number;
  /** The distribution (os-release ID) changed. */
  osChanged?: boolean;
  /** Same distribution, lower VERSION_ID. */
  osVersionDecreased?: boolean;
  requiredLabels?: string[];
  /** A file gained a file capability (`security.capability`), or its capabilities changed. */
  capabilityAdded?: boolean;
  /** A user was added (etc/passwd). */
  usersAdded?: boolean;
  /** A user was removed. */
  usersRemoved?: boolean;
  /** The entrypoint (else the command) does not resolve to an executable file in the new image. */
  entrypointMissing?: boolean;
  /** A tool of these classes appeared on the binary paths. */
  toolClassAdded?: ToolClass[];
  /** The base OS moved to another major release (Debian 12 -> 13, Alpine 3.19 -> 3.20). */
  osMajorUpgrade?: boolean;
}

/** An exception: a rule id plus (optionally) what it is about; suppresses matching violations. */
export interface Allowance {
  rule: string;
  /** Glob over the package name or `ecosystem:name` (packages rules). */
  package?: string;
  /** Glob over the path (files and secrets rules). */
  path?: string;
  /** Glob over any violation's subject. */
  subject?: string;
  reason: string;
  /** `YYYY-MM-DD`; the entry suppresses through the end of that day (UTC). */
  expires?: string;
  definedAt: string;
}
