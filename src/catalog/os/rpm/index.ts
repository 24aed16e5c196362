import type { CatalogContext, CatalogResult, Cataloger, Package, Problem } from '../../types.js';
import { readBdbPackages } from './bdb.js';
import { RpmFormatError } from './format-error.js';
import type { HeaderBlobs } from './header-blobs.js';
import { readNdbPackages } from './ndb.js';
import { parseSourceRpm, readRpmPackage, rpmVersionString } from './package-record.js';
import { readSqlitePackages } from './sqlite.js';
import { compareCodeUnits as compare } from '../../../util/code-unit-order.js';

/**
 * The rpm cataloger: installed packages and their files from rpm's database.
 *
 * Where: `usr/lib/sysimage/rpm/` (Fedora ≥ 36, openSUSE, SLES 15: `var/lib/rpm` is then a symlink to
 * it) or `var/lib/rpm/` (RHEL/CentOS/AlmaLinux/Amazon Linux). A database only lands in sysimage when
 * the image's rpm is configured for it, so sysimage wins when both hold one; a `var/lib/rpm` symlink
 * is resolved through the tree, so the same directory is never read twice.
 *
 * Which file: one directory can hold leftovers of an older backend after a conversion, and rpm
 * converts forward only, so the newest format wins: `rpmdb.sqlite` > `Packages.db` (NDB) >
 * `Packages` (BerkeleyDB). Every other database found is reported as an ignored one (`RPMDB_IGNORED`).
 *
 * `gpg-pubkey` pseudo-packages (imported signing keys) are kept, as `rpm -qa` lists them; they have
 * no arch (rpm prints `(none)`) and no files.
 */

const DIRECTORIES = ['usr/lib/sysimage/rpm', 'var/lib/rpm'] as const;
const BACKENDS = [
  { file: 'rpmdb.sqlite', read: readSqlitePackages },
  { file: 'Packages.db', read: readNdbPackages },
  { file: 'Packages', read: readBdbPackages },
] as const;

/** Damage lines reported per database before the rest are summarised in one problem. */
const MAX_DAMAGE_PROBLEMS = 20;

export const rpmCataloger: Cataloger = {
  id: 'rpm',
  ecosystem: 'rpm',
  globs: DIRECTORIES.flatMap((dir) => BACKENDS.map((backend) => `${dir}/${backend.file}`)),
  // rpm's databases and locks, rpm scriptlet state, and what dnf/yum/microdnf/tdnf/zypper write as
  // they run (metadata caches, history databases, logs): none of it is a package's file.
  stateGlobs: [
    'var/lib/rpm/**',
    'usr/lib/sysimage/rpm/**',
    'var/lib/rpm-state/**',
    'var/cache/dnf/**',
    'var/cache/yum/**',
    'var/cache/tdnf/**',
    'var/lib/dnf/**',
    'var/lib/yum/**',
    'var/log/dnf*',
    'var/log/hawkey.log',
    'var/log/yum.log',
    'var/cache/zypp/**',
    'var/lib/zypp/**',
    'var/log/zypper.log',
    'var/log/zypp/**',
  ],
  catalog: catalogRpm,
};

async function catalogRpm(ctx: CatalogContext): Promise<CatalogResult> {
  const problems: Problem[] = [];
  const found = findDatabases(ctx);
  const chosen = found[0];
  if (!chosen) return { packages: [], problems };
  for (const other of found.slice(1)) {
    problems.push({
      code: 'RPMDB_IGNORED',
      path: other.path,
      layer: other.layer,
      message: `rpm database ${other.path} not read: ${chosen.path} is the one the image's rpm uses`,
    });
  }
  const packages: Package[] = [];
  const problem = (code: string, message: string): void => {
    problems.push({ code, path: chosen.path, layer: chosen.layer, message });
  };

  let result: HeaderBlobs;
  try {
    result = await chosen.read(chosen.content);
  } catch (err) {
    const what = err instanceof RpmFormatError ? err.message : `unexpected failure: ${errorMessage(err)}`;
    problem('RPMDB_UNREADABLE', `rpm database ${chosen.path} cannot be read: ${what}`);
    return { packages, problems };
  }
  result.damage
    .slice(0, MAX_DAMAGE_PROBLEMS)
    .forEach((line) => problem('RPMDB_DAMAGED', `rpm database ${chosen.path}: ${line}; skipped`));
  if (result.damage.length > MAX_DAMAGE_PROBLEMS) {
    problem(
      'RPMDB_DAMAGED',
      `rpm database ${chosen.path}: ${result.damage.length - MAX_DAMAGE_PROBLEMS} more damaged parts skipped`,
    );
  }
  if (chosen.walPending) {
    problem(
      'RPMDB_WAL_PENDING',
      `${chosen.path}-wal holds changes not yet checkpointed; packages they add or remove are not seen`,
    );
  }

  for (const { key, blob } of result.blobs) {
    try {
      const record = readRpmPackage(blob, chosen.path);
      for (const warning of record.warnings)
        problem('RPM_HEADER_INCONSISTENT', `package ${record.name} (record ${key}): ${warning}`);
      const pkg: Package = {
        ecosystem: 'rpm',
        name: record.name,
        version: rpmVersionString(record),
        location: chosen.path,
        layer: chosen.layer,
        files: record.files,
      };
      if (record.arch !== undefined) pkg.arch = record.arch;
      if (record.license !== undefined) pkg.license = record.license;
      const source = record.sourceRpm === undefined ? undefined : parseSourceRpm(record.sourceRpm);
      if (source) pkg.source = source;
      if (record.sourceRpm !== undefined) pkg.metadata = { sourceRpm: record.sourceRpm };
      if (record.changelog) pkg.changelog = record.changelog;
      packages.push(pkg);
    } catch (err) {
      const what = err instanceof RpmFormatError ? err.message : `unexpected failure: ${errorMessage(err)}`;
      problem('RPM_HEADER_INVALID', `package record ${key} in ${chosen.path} skipped: ${what}`);
    }
  }
  packages.sort(
    (a, b) => compare(a.name, b.name) || compare(a.version, b.version) || compare(a.arch ?? '', b.arch ?? ''),
  );
  return { packages, problems };
}

interface FoundDatabase {
  path: string;
  layer: number;
  content: Buffer;
  read: (bytes: Uint8Array) => HeaderBlobs | Promise<HeaderBlobs>;
  walPending: boolean;
}

/** Captured databases, the one rpm would use first (see the preference order above). */
function findDatabases(ctx: CatalogContext): FoundDatabase[] {
  const found: FoundDatabase[] = [];
  const seenDirs = new Set<string>();
  for (const dir of DIRECTORIES) {
    // A directory that is a symlink to the other one holds nothing of its own in the tree.
    const real = resolveDirectory(ctx, dir);
    if (seenDirs.has(real)) continue;
    seenDirs.add(real);
    for (const backend of BACKENDS) {
      const path = `${real}/${backend.file}`;
      const file = ctx.file(path);
      if (file === undefined) continue;
      const { content, layer } = file;
      const wal = ctx.tree.entries.get(`${path}-wal`);
      const walPending =
        backend.file === 'rpmdb.sqlite' && wal !== undefined && wal.type === 'file' && wal.size > 0;
      found.push({ path, layer, content, read: backend.read, walPending });
    }
  }
  return found;
}

/** Follow symlinks on `dir` itself (bounded), resolving relative targets against its parent. */
function resolveDirectory(ctx: CatalogContext, dir: string): string {
  let current = dir;
  for (let hops = 0; hops < 8; hops++) {
    const entry = ctx.tree.entries.get(current);
    if (entry?.type !== 'symlink' || entry.link === undefined) return current;
    const base = entry.link.startsWith('/') ? '' : current.split('/').slice(0, -1).join('/');
    current = joinNormalised(base, entry.link);
  }
  return current;
}

/** Join and normalise like the kernel would inside the root: `..` at the top stays at the top. */
function joinNormalised(base: string, link: string): string {
  const parts: string[] = [];
  for (const segment of `${base}/${link}`.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return parts.join('/');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
