import type { OsRelease, PackageId } from '../catalog/types.js';
import type { Changes, FileChange, FileState, PackageChange, PackageChangeKind } from '../diff/types.js';
import { formatBytes } from '../util/format-bytes.js';

/** Package change kinds in the order a reviewer reads them: what went backwards first. */
export const KIND_ORDER: readonly PackageChangeKind[] = [
  'downgraded',
  'upgraded',
  'added',
  'removed',
  'rebuilt',
];

export { formatBytes };

/** Setting keys (or `prefix.` families) in the order they matter to a reviewer; anything else comes after. */
const SETTING_IMPORTANCE: readonly string[] = [
  'user',
  'entrypoint',
  'cmd',
  'port.',
  'env.',
  'workdir',
  'volume.',
  'healthcheck',
  'label.',
];

function settingRank(key: string): number {
  const i = SETTING_IMPORTANCE.findIndex((k) => (k.endsWith('.') ? key.startsWith(k) : key === k));
  return i < 0 ? SETTING_IMPORTANCE.length : i;
}

/** Settings most important first (user, entrypoint, cmd, ports, env, ...), keeping their order within a rank. */
export function byImportance<T extends { key: string }>(settings: readonly T[]): T[] {
  return [...settings].sort((a, b) => settingRank(a.key) - settingRank(b.key));
}

/** `1,234 B`: every byte, grouped by thousands (locale-independent). */
export function formatExactBytes(bytes: number): string {
  return `${String(bytes).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} B`;
}

/**
 * A before/after pair of sizes: rounded (`1.2 kB`, `3.4 MB`) unless rounding would make two different
 * sizes look equal, then exact (`1,234 B`, `1,236 B`) so the pair never reads `1.2 kB → 1.2 kB`.
 */
export function formatBytesPair(before: number, after: number): [string, string] {
  const b = formatBytes(before);
  const a = formatBytes(after);
  return b === a && before !== after ? [formatExactBytes(before), formatExactBytes(after)] : [b, a];
}

/** `+1.2 MB (+3.4%)`, `-5 B (<0.1%)`, `±0`. */
export function formatSizeDelta(before: number, after: number): string {
  const d = after - before;
  if (d === 0) return '±0';
  const pct = Math.abs((d / before) * 100);
  const percent = before <= 0 ? '' : pct < 0.05 ? ' (<0.1%)' : ` (${d > 0 ? '+' : '-'}${pct.toFixed(1)}%)`;
  return `${d > 0 ? '+' : '-'}${formatBytes(Math.abs(d))}${percent}`;
}

/** `+3`, `-1`, `±0`. */
export function formatDelta(before: number, after: number): string {
  const d = after - before;
  return d === 0 ? '±0' : d > 0 ? `+${d}` : `${d}`;
}

/** `0755`, with setuid/setgid/sticky digits when set. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** `sha256:0123456789ab` (12 hex digits, as docker shows image IDs). */
export function shortDigest(digest: string): string {
  const m = /^([a-z0-9]+):([0-9a-f]+)$/.exec(digest);
  return m ? `${m[1]}:${m[2]!.slice(0, 12)}` : digest;
}

export function describeOs(os: OsRelease | undefined): string {
  if (!os) return 'unknown';
  if (os.prettyName === undefined) return os.versionId ? `${os.id} ${os.versionId}` : os.id;
  // Debian's PRETTY_NAME says `12`; a VERSION_ID it does not mention is added so a change shows.
  return os.versionId && !os.prettyName.includes(os.versionId)
    ? `${os.prettyName} ${os.versionId}`
    : os.prettyName;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function packageTotal(changes: Changes): number {
  const c = changes.counts.packages;
  return c.added + c.removed + c.upgraded + c.downgraded + c.rebuilt;
}

export function nonPackagedTotal(changes: Changes): number {
  const c = changes.counts.nonPackaged;
  return c.added + c.removed + c.modified;
}

export function packagesOfKind(changes: Changes, kind: PackageChangeKind): PackageChange[] {
  return changes.packages.filter((p) => p.kind === kind);
}

/** Changes shown in the non-packaged section: not excluded, nobody's package, not package-manager state. */
export function nonPackagedChanges(changes: Changes): FileChange[] {
  return changes.files.filter((f) => f.excluded !== true && f.ownership === 'none');
}

/** Package files that differ from their package: changed with no package change to explain them, or not what the package ships. */
export function suspiciousPackageFiles(changes: Changes): FileChange[] {
  return changes.files.filter(
    (f) => f.ownership === 'package' && (f.unexplained === true || f.modifiedAfterInstall === true),
  );
}

/**
 * An owning package as the package tables name it: its name, and where it comes
 * from (`dpkg, amd64`; the arch only when a package change in this diff tells it). Untrusted pieces,
 * returned apart so each renderer escapes them its own way.
 */
export function ownerName(changes: Changes, owner: PackageId): { name: string; where: string[] } {
  const { ecosystem, name } = owner;
  const arch = changes.packages.find((p) => p.ecosystem === ecosystem && p.name === name)?.arch;
  return { name, where: arch ? [ecosystem, arch] : [ecosystem] };
}

export function stateFileChanges(changes: Changes): number {
  return changes.files.reduce((n, f) => (f.ownership === 'state' && f.excluded !== true ? n + 1 : n), 0);
}

/** Change kinds of a package, counted, in reading order: `3 upgraded, 1 downgraded`. */
export function kindCounts(changes: Changes): string {
  const c = changes.counts.packages;
  return KIND_ORDER.filter((k) => c[k] > 0)
    .map((k) => `${c[k]} ${k}`)
    .join(', ');
}

function typeName(state: FileState): string {
  return state.type === 'hardlink' ? 'file' : state.type === 'dir' ? 'directory' : state.type;
}

/**
 * The facts of a file change as plain pieces (untrusted parts, like link targets, are returned
 * separately so each renderer escapes them its own way).
 */
export function fileDetails(change: FileChange): {
  facts: string[];
  link?: { before?: string; after: string };
} {
  const { before: b, after: a } = change;
  const facts: string[] = [];
  let link: { before?: string; after: string } | undefined;
  const s = a ?? b;
  if (!s) return { facts };
  if (change.kind === 'added' || change.kind === 'removed') {
    if (s.type !== 'file' && s.type !== 'hardlink') facts.push(typeName(s));
    if (s.type === 'file' || s.type === 'hardlink') facts.push(formatBytes(s.size));
    if (s.type !== 'symlink') facts.push(`mode ${formatMode(s.mode)}`);
    if (s.uid !== 0 || s.gid !== 0) facts.push(`owner ${s.uid}:${s.gid}`);
    if (s.type === 'symlink' && s.link !== undefined) link = { after: s.link };
    if (s.capabilities !== undefined) facts.push(`capabilities ${s.capabilities}`);
  } else if (b && a) {
    for (const aspect of change.aspects) {
      if (aspect === 'content')
        facts.push(
          b.size === a.size
            ? `content (same size, ${formatBytes(a.size)})`
            : `content (${formatBytesPair(b.size, a.size).join(' → ')})`,
        );
      else if (aspect === 'type') facts.push(`type ${typeName(b)} → ${typeName(a)}`);
      else if (aspect === 'mode') facts.push(`mode ${formatMode(b.mode)} → ${formatMode(a.mode)}`);
      else if (aspect === 'uid') facts.push(`uid ${b.uid} → ${a.uid}`);
      else if (aspect === 'gid') facts.push(`gid ${b.gid} → ${a.gid}`);
      else if (aspect === 'link')
        link = { ...(b.link !== undefined ? { before: b.link } : {}), after: a.link ?? '' };
      else if (aspect === 'xattrs')
        facts.push(
          b.capabilities !== a.capabilities
            ? `capabilities ${b.capabilities ?? 'none'} → ${a.capabilities ?? 'none'}`
            : // xattr names come from the image: counted here, never shown among our own words
              `extended attributes (${b.xattrs?.length ?? 0} → ${a.xattrs?.length ?? 0})`,
        );
    }
  }
  if (a && (a.mode & 0o6000) !== 0 && a.type !== 'dir' && (!b || (b.mode & 0o6000) !== (a.mode & 0o6000))) {
    facts.push((a.mode & 0o4000) !== 0 ? 'setuid' : 'setgid');
  }
  if (change.modifiedAfterInstall) facts.push('differs from its package');
  return link ? { facts, link } : { facts };
}

const BYTES = /^\d+$/;

/**
 * A setting's before and after values for display: sizes in bytes become `12.3 MB` (exact bytes when
 * the two would round to the same text).
 */
export function settingValues(
  key: string,
  before: string | undefined,
  after: string | undefined,
): [string | undefined, string | undefined] {
  if (!key.startsWith('size.')) return [before, after];
  const b = before !== undefined && BYTES.test(before) ? Number(before) : undefined;
  const a = after !== undefined && BYTES.test(after) ? Number(after) : undefined;
  if (b !== undefined && a !== undefined) return formatBytesPair(b, a);
  return [b !== undefined ? formatBytes(b) : before, a !== undefined ? formatBytes(a) : after];
}

/**
 * The problems met while reading the images, grouped by code with a count and the image they came
 * from: `CAPTURE_BUDGET_EXCEEDED ×11 (new image)`. Most frequent first; codes are ours, never the image's.
 */
export function problemGroups(
  problems: Changes['problems'],
): Array<{ code: string; count: number; where: string }> {
  const groups = new Map<string, { code: string; count: number; images: Set<string> }>();
  for (const p of problems) {
    const g = groups.get(p.code) ?? { code: p.code, count: 0, images: new Set<string>() };
    g.count++;
    g.images.add(p.image === 'before' ? 'previous image' : 'new image');
    groups.set(p.code, g);
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((g) => ({ code: g.code, count: g.count, where: [...g.images].sort().join(' and ') }));
}
