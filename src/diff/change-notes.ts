import type { ChangelogEntry, OsRelease, Package } from '../catalog/types.js';
import { compareVersions } from '../catalog/versions/index.js';
import { securityIdsOf } from './security-ids.js';
import type { ChangeNotes } from './types.js';

/**
 * Why a package changed, from its own changelog: the entries the higher version has and the lower
 * one does not. For an upgrade that is what the new package brings; for a downgrade, what the old
 * package had and the new one undoes. Only the two packages are read (the higher one's changelog, and
 * the lower one's to know where to stop), so the work is bounded by what the catalogers kept.
 *
 * - rpm: every header carries its changelog; the entries of the higher package that the lower one
 *   does not have (same time, author and text). When the two share no entry at all (a rewritten
 *   changelog), those newer than the lower package's newest entry; when the lower one has no
 *   changelog, those whose author line names a newer version.
 * - Debian changelogs and CHANGELOG files: from the top down to the lower version's own entry, else
 *   to the first entry of an older version (dpkg-parsechangelog's `--since`); a CHANGELOG file's
 *   sections of versions newer than the higher package are skipped first.
 * Without a changelog the notes say why and point to where one can be read.
 */
export interface NotesContext {
  /** The OS of the image the entries come from (picks the distribution's public changelog address). */
  os?: OsRelease;
}

export function changeNotes(
  lower: Package,
  higher: Package,
  context: NotesContext = {},
): ChangeNotes | undefined {
  const changelog = higher.changelog;
  if (changelog === undefined || changelog.entries.length === 0)
    return notesWithoutChangelog(lower, higher, context);
  const between = changelog.format === 'rpm' ? rpmEntriesBetween(lower, higher) : entriesSince(lower, higher);
  if (changelog.format === 'text' && between.entries.length === 0) {
    // A CHANGELOG that stops before the new version (not kept up, or headings we could not match).
    const notes = notesWithoutChangelog(lower, higher, context) ?? {
      entries: [],
      cves: [],
      advisories: [],
      security: false,
    };
    notes.missing = `its ${changelog.path.slice(changelog.path.lastIndexOf('/') + 1)} names no version between the two`;
    notes.source = changelog.path;
    return notes;
  }
  const ids = securityIdsOf(between.entries, higher.ecosystem);
  const notes: ChangeNotes = {
    entries: between.entries,
    cves: ids.cves,
    advisories: ids.advisories,
    security: ids.cves.length > 0 || between.entries.some((e) => /-security\b/.test(e.distribution ?? '')),
    source: changelog.path,
  };
  if (between.incomplete) notes.incomplete = true;
  return notes;
}

interface Between {
  entries: ChangelogEntry[];
  incomplete: boolean;
}

const entryKey = (e: ChangelogEntry): string => `${e.time ?? ''}\u0000${e.author ?? ''}\u0000${e.text}`;

function rpmEntriesBetween(lower: Package, higher: Package): Between {
  const entries = higher.changelog!.entries;
  const truncated = higher.changelog!.truncated === true;
  const old = lower.changelog?.entries ?? [];
  if (old.length > 0) {
    const known = new Set(old.map(entryKey));
    const fresh = entries.filter((e) => !known.has(entryKey(e)));
    if (fresh.length < entries.length) {
      // The lower package's newest entry must be among the kept ones, else older new entries may be missing.
      const incomplete = truncated && !entries.some((e) => entryKey(e) === entryKey(old[0]!));
      return { entries: fresh, incomplete };
    }
    const newest = Math.max(...old.map((e) => e.time ?? 0));
    const newer = entries.filter((e) => (e.time ?? 0) > newest);
    return { entries: newer, incomplete: truncated && newer.length === entries.length };
  }
  return versionCut(lower, higher);
}

/** Entries whose own version is newer than the lower package's (for changelogs without the lower side). */
function versionCut(lower: Package, higher: Package): Between {
  const entries = higher.changelog!.entries;
  const out: ChangelogEntry[] = [];
  for (const e of entries) {
    if (e.version === undefined) return { entries: out, incomplete: true };
    if (compareTolerant(higher, e.version, lower.version) <= 0) return { entries: out, incomplete: false };
    out.push(e);
  }
  return { entries: out, incomplete: true };
}

/** dpkg-parsechangelog `--since`: down to the lower version's entry, else to the first older one. */
function entriesSince(lower: Package, higher: Package): Between {
  const changelog = higher.changelog!;
  let entries = changelog.entries;
  if (changelog.format === 'text') {
    // A package's CHANGELOG may already hold sections of versions newer than the package itself
    // (written ahead, or shared by a repository's packages): those are not part of this change.
    const own = entries.findIndex(
      (e) => e.version === undefined || compareTolerant(higher, e.version, higher.version) <= 0,
    );
    entries = own < 0 ? [] : entries.slice(own);
  }
  const since = lower.version;
  let stop = entries.findIndex((e) => e.version === since);
  if (stop < 0)
    stop = entries.findIndex((e) => e.version !== undefined && compareTolerant(higher, e.version, since) < 0);
  if (stop < 0) return { entries: [...entries], incomplete: changelog.truncated === true };
  return { entries: entries.slice(0, stop), incomplete: false };
}

function compareTolerant(pkg: Package, a: string, b: string): number {
  try {
    return compareVersions(pkg.ecosystem, a, b);
  } catch {
    return a === b ? 0 : a < b ? -1 : 1;
  }
}

function notesWithoutChangelog(
  lower: Package,
  higher: Package,
  context: NotesContext,
): ChangeNotes | undefined {
  const base = { entries: [], cves: [], advisories: [], security: false };
  switch (higher.ecosystem) {
    case 'dpkg': {
      if (higher.metadata?.installer === 'chisel') return undefined;
      const notes: ChangeNotes = {
        ...base,
        missing:
          'no changelog in the image (its usr/share/doc changelog.Debian.gz is absent, often dropped by a dpkg path-exclude)',
      };
      const link = debianChangelogAddress(higher, context.os);
      if (link) notes.link = link;
      return notes;
    }
    case 'apk': {
      const from = lower.metadata?.commit;
      const to = higher.metadata?.commit;
      const notes: ChangeNotes = {
        ...base,
        missing: 'apk keeps no changelog; the aports commits between the two builds tell',
      };
      if (isCommit(from) && isCommit(to))
        notes.link = `https://gitlab.alpinelinux.org/alpine/aports/-/compare/${from}...${to}`;
      return notes;
    }
    case 'rpm':
      return { ...base, missing: 'the rpm header holds no changelog' };
    default: {
      const url = higher.metadata?.changelogUrl ?? higher.metadata?.repositoryUrl;
      if (url === undefined) return undefined;
      return {
        ...base,
        missing:
          higher.metadata?.changelogUrl !== undefined
            ? 'the package ships no changelog file whose headings name its versions; its metadata names its changelog'
            : 'the package ships no changelog file whose headings name its versions; its metadata names its repository',
        link: url,
      };
    }
  }
}

const isCommit = (c: string | undefined): c is string => c !== undefined && /^[0-9a-f]{7,40}$/.test(c);

/** A path segment with nothing but unreserved characters left as they are (no `(`, `)`, `'`, `!`, `*`). */
function segment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Debian's and Ubuntu's public changelog for a source version (the `main` component's address; the
 * others differ only in that word). Undefined for other distributions.
 */
export function debianChangelogAddress(pkg: Package, os: OsRelease | undefined): string | undefined {
  const id = os?.id ?? '';
  const like = os?.idLike ?? [];
  if (id !== 'ubuntu' && id !== 'debian' && !like.includes('debian')) return undefined;
  const source = pkg.source?.name ?? pkg.name;
  const version = (pkg.source?.version ?? pkg.version).replace(/^\d+:/, '');
  // Source names are short and plain ([a-z0-9.+-]); anything longer is not one worth linking.
  if (source.length > 100 || version.length > 100) return undefined;
  const prefix = source.startsWith('lib') ? source.slice(0, 4) : source.slice(0, 1);
  const [s, v, p] = [segment(source), segment(version), segment(prefix)];
  if (id === 'ubuntu')
    return `https://changelogs.ubuntu.com/changelogs/pool/main/${p}/${s}/${s}_${v}/changelog`;
  if (id === 'debian' || like.includes('debian'))
    return `https://metadata.ftp-master.debian.org/changelogs/main/${p}/${s}/${s}_${v}_changelog`;
  return undefined;
}
