import type {
  CatalogContext,
  CatalogFile,
  CatalogResult,
  Cataloger,
  OwnedFile,
  Package,
  Problem,
} from '../types.js';
import { CHISEL_MANIFEST_PATH, parseChiselManifest } from './chisel.js';
import { debianChangelogOf } from './dpkg-changelog.js';
import { defineLazy } from '../../util/lazy-property.js';
import {
  parseAlternativeLinks,
  parseDpkgConffilesList,
  parseDpkgDiversions,
  parseDpkgList,
  parseDpkgMd5sums,
  type DpkgDiversion,
} from './dpkg-info.js';
import { isInstalled, parseDpkgStatus, type DpkgConffile, type DpkgRecord } from './dpkg-status.js';

/**
 * The dpkg cataloger: Debian and Ubuntu packages, from
 * - `var/lib/dpkg/status` (installed stanzas only) with each package's `info/<pkg>[:<arch>].list`
 *   (owned paths, directories included), `.md5sums` and `.conffiles`, and `diversions`;
 * - distroless `var/lib/dpkg/status.d/<pkg>` (one package a file, no .list: its `<pkg>.md5sums` gives
 *   both the owned files and their digests);
 * - Ubuntu chisel's `var/lib/chisel/manifest.wall`, for packages not in a dpkg database.
 */
const DPKG = 'var/lib/dpkg/';
export const DPKG_STATUS_PATH = `${DPKG}status`;
const STATUS_D = `${DPKG}status.d/`;
const INFO = `${DPKG}info/`;
const DIVERSIONS = `${DPKG}diversions`;
const ALTERNATIVES = `${DPKG}alternatives/`;

/** Packages named in a problem before the rest are counted. */
const MAX_NAMED = 10;

export const dpkgCataloger: Cataloger = {
  id: 'dpkg',
  ecosystem: 'dpkg',
  globs: [
    DPKG_STATUS_PATH,
    `${STATUS_D}*`,
    `${INFO}*.list`,
    `${INFO}*.md5sums`,
    `${INFO}*.conffiles`,
    DIVERSIONS,
    `${ALTERNATIVES}*`,
    CHISEL_MANIFEST_PATH,
  ],
  // Written by dpkg, apt, debconf and their helpers as they work, never shipped in a package:
  // - dpkg's database (status, available, info/*, triggers, diversions, statoverride, *-old backups,
  //   locks) and chisel's manifest;
  // - update-alternatives' links and database (etc/alternatives, var/lib/dpkg/alternatives) and log;
  // - debconf's answers and templates, ucf's registry of managed config files;
  // - apt's indexes, caches (downloaded .debs included), extended states and logs, dpkg's log;
  // - deb-systemd-helper's record of enabled units.
  // Not state: etc/apt/** (sources and settings an admin writes: a change there deserves review).
  // The links update-alternatives made (usr/bin/awk -> /etc/alternatives/awk, ...) are added per
  // image from its var/lib/dpkg/alternatives/* (CatalogResult.stateGlobs).
  stateGlobs: [
    'var/lib/dpkg/**',
    'var/lib/chisel/**',
    'etc/alternatives/**',
    'var/log/alternatives.log',
    'var/cache/debconf/**',
    'var/lib/ucf/**',
    'var/lib/apt/**',
    'var/cache/apt/**',
    'var/log/apt/**',
    'var/log/dpkg.log',
    'var/lib/systemd/deb-systemd-helper-enabled/**',
    'var/lib/systemd/deb-systemd-helper-masked/**',
  ],
  catalog: catalogDpkg,
};

const keyOf = (name: string, arch?: string): string => `${name}:${arch ?? ''}`;

export function catalogDpkg(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const seenNames = new Set<string>();
  const problem = (code: string, path: string, message: string): void => {
    const layer = ctx.file(path)?.layer;
    problems.push({ code, path, ...(layer !== undefined ? { layer } : {}), message });
  };

  const diversionsFile = ctx.file(DIVERSIONS);
  const diversions = diversionsFile ? parseDpkgDiversions(diversionsFile.content.toString('utf8')) : [];

  const status = ctx.file(DPKG_STATUS_PATH);
  if (status) {
    const parsed = parseDpkgStatus(status.content.toString('utf8'));
    for (const e of parsed.errors)
      problem('DPKG_STATUS_SYNTAX', DPKG_STATUS_PATH, `line ${e.line}: ${e.message}`);
    const unconfigured: string[] = [];
    const withoutList: string[] = [];
    for (const record of parsed.records) {
      if (!isInstalled(record)) {
        const state = record.status?.state;
        if (state === undefined) unconfigured.push(`${record.name} (no Status)`);
        else if (state !== 'not-installed' && state !== 'config-files')
          unconfigured.push(`${record.name} (${state})`);
        continue;
      }
      const key = keyOf(record.name, record.arch);
      if (seen.has(key)) continue;
      seen.add(key);
      seenNames.add(record.name);
      const files = infoFiles(ctx, record, diversions);
      if (!files.hasList) withoutList.push(record.name);
      packages.push(toPackage(record, status, files.files));
    }
    if (unconfigured.length > 0) {
      problem('DPKG_NOT_INSTALLED', DPKG_STATUS_PATH, `not counted as installed: ${named(unconfigured)}`);
    }
    if (withoutList.length > 0) {
      problem(
        'DPKG_FILE_LIST_MISSING',
        DPKG_STATUS_PATH,
        `installed packages without a file list in ${INFO}: ${named(withoutList)}`,
      );
    }
  }

  for (const stanza of statusDFiles(ctx)) {
    const path = stanza.path;
    const parsed = parseDpkgStatus(stanza.content.toString('utf8'));
    for (const e of parsed.errors) problem('DPKG_STATUS_SYNTAX', path, `line ${e.line}: ${e.message}`);
    for (const record of parsed.records) {
      // A status.d file often has no Status field: being there is the statement that it is installed.
      if (record.status && !isInstalled(record)) continue;
      const key = keyOf(record.name, record.arch);
      if (seen.has(key)) continue;
      seen.add(key);
      seenNames.add(record.name);
      const sums = statusDMd5sums(ctx, path, record.name);
      if (sums.badLines > 0)
        problem('DPKG_MD5SUMS_SYNTAX', sums.path, `${sums.badLines} lines are not "<md5>  <path>"`);
      const files = [...sums.sums].map(([p, md5]): OwnedFile => ({
        path: p,
        digest: { algorithm: 'md5', value: md5 },
      }));
      addConffiles(files, record.conffiles, []);
      packages.push(toPackage(record, stanza, divert(files, diversions, record.name)));
    }
  }

  const manifest = ctx.file(CHISEL_MANIFEST_PATH);
  if (manifest) {
    try {
      const parsed = parseChiselManifest(manifest.content);
      for (const e of parsed.errors) problem('CHISEL_MANIFEST_SYNTAX', CHISEL_MANIFEST_PATH, e);
      const layer = manifest.layer;
      for (const c of parsed.packages) {
        if (seenNames.has(c.name)) continue;
        const pkg: Package = {
          ecosystem: 'dpkg',
          name: c.name,
          version: c.version,
          location: CHISEL_MANIFEST_PATH,
          layer,
          files: c.files,
        };
        if (c.arch) pkg.arch = c.arch;
        pkg.metadata = { installer: 'chisel', ...(c.debSha256 ? { debSha256: c.debSha256 } : {}) };
        packages.push(pkg);
      }
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      problem(
        'CHISEL_MANIFEST_UNREADABLE',
        CHISEL_MANIFEST_PATH,
        `chisel manifest could not be read: ${why}`,
      );
    }
  }
  // Parsed when read (a changed package, an output that lists them all): most packages of a diff
  // are the same on both sides and never need theirs. Only the tree is kept for it, not the captures.
  const { tree } = ctx;
  for (const pkg of packages) defineLazy(pkg, 'changelog', () => debianChangelogOf({ tree }, pkg));
  return { packages, problems, stateGlobs: alternativeLinkGlobs(ctx) };
}

/** Globs matching exactly the links update-alternatives manages in this image. */
function alternativeLinkGlobs(ctx: CatalogContext): string[] {
  const globs = new Set<string>();
  for (const { path, content } of ctx.files) {
    if (!path.startsWith(ALTERNATIVES) || path.slice(ALTERNATIVES.length).includes('/')) continue;
    for (const link of parseAlternativeLinks(content.toString('utf8'))) {
      const escaped = link.replace(/[\\*?[\]{}()!+@|]/g, '\\$&');
      globs.add(escaped);
      // usrmerge: a link recorded as bin/x lives at usr/bin/x behind the bin -> usr/bin symlink
      if (/^(bin|sbin|lib|lib32|lib64|libx32)\//.test(escaped)) globs.add(`usr/${escaped}`);
    }
  }
  return [...globs].sort();
}

function named(names: string[]): string {
  const more = names.length > MAX_NAMED ? ` and ${names.length - MAX_NAMED} more` : '';
  return names.slice(0, MAX_NAMED).join(', ') + more;
}

function toPackage(record: DpkgRecord, from: CatalogFile, files: OwnedFile[]): Package {
  const pkg: Package = {
    ecosystem: 'dpkg',
    name: record.name,
    version: record.version,
    location: from.path,
    layer: from.layer,
    files,
    source: record.source,
  };
  if (record.arch) pkg.arch = record.arch;
  return pkg;
}

/** Basenames of a package's info files: `<pkg>:<arch>` first for Multi-Arch: same packages. */
function infoBases(record: DpkgRecord): string[] {
  if (!record.arch) return [record.name];
  const qualified = `${record.name}:${record.arch}`;
  return record.multiArch === 'same' ? [qualified, record.name] : [record.name, qualified];
}

function infoFiles(
  ctx: CatalogContext,
  record: DpkgRecord,
  diversions: DpkgDiversion[],
): { files: OwnedFile[]; hasList: boolean } {
  const read = (ext: string): string | undefined => {
    for (const base of infoBases(record)) {
      const file = ctx.file(`${INFO}${base}.${ext}`);
      if (file) return file.content.toString('utf8');
    }
    return undefined;
  };
  const list = read('list');
  const sums = parseDpkgMd5sums(read('md5sums') ?? '').sums;
  const files = new Map<string, OwnedFile>();
  for (const path of parseDpkgList(list ?? '')) files.set(path, { path });
  for (const [path, md5] of sums) {
    const file = files.get(path) ?? { path };
    file.digest = { algorithm: 'md5', value: md5 };
    files.set(path, file);
  }
  const out = [...files.values()];
  addConffiles(out, record.conffiles, parseDpkgConffilesList(read('conffiles') ?? ''));
  return { files: divert(out, diversions, record.name), hasList: list !== undefined };
}

/** Mark conffiles (from the status field, with their md5 and obsolete flag, and from info/*.conffiles). */
function addConffiles(files: OwnedFile[], fromStatus: DpkgConffile[], fromInfo: string[]): void {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const mark = (rawPath: string): OwnedFile | undefined => {
    const path = rawPath.replace(/^\/+/, '');
    if (path === '') return undefined;
    let file = byPath.get(path);
    if (!file) {
      file = { path };
      files.push(file);
      byPath.set(path, file);
    }
    file.config = true;
    return file;
  };
  for (const c of fromStatus) {
    const file = mark(c.path);
    if (!file) continue;
    if (c.md5) file.digest = { algorithm: 'md5', value: c.md5 };
    if (c.obsolete) file.obsolete = true;
  }
  for (const path of fromInfo) mark(path);
}

/** A file another package (or the admin) diverted lives at the diversion's target. */
function divert(files: OwnedFile[], diversions: DpkgDiversion[], pkg: string): OwnedFile[] {
  if (diversions.length === 0) return files;
  const byFrom = new Map(diversions.map((d) => [d.from, d]));
  return files.map((f) => {
    const d = byFrom.get(f.path);
    return d && d.by !== pkg ? { ...f, path: d.to } : f;
  });
}

/** Stanza files in status.d (not the .md5sums beside them), sorted. */
function statusDFiles(ctx: CatalogContext): CatalogFile[] {
  return ctx.files.filter(
    ({ path: p }) =>
      p.startsWith(STATUS_D) && !p.slice(STATUS_D.length).includes('/') && !p.endsWith('.md5sums'),
  );
}

function statusDMd5sums(
  ctx: CatalogContext,
  stanzaPath: string,
  name: string,
): { path: string; sums: Map<string, string>; badLines: number } {
  for (const path of [`${stanzaPath}.md5sums`, `${STATUS_D}${name}.md5sums`]) {
    const file = ctx.file(path);
    if (file) return { path, ...parseDpkgMd5sums(file.content.toString('utf8')) };
  }
  return { path: stanzaPath, sums: new Map(), badLines: 0 };
}
