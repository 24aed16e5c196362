import type { ImageSummary } from '../catalog/types.js';
import { compareCompressedSizes } from '../diff/compressed-size.js';
import { settingChanges } from '../diff/settings.js';
import type { Changes, FileChange, PackageChange } from '../diff/types.js';
import type { PackageId } from '../catalog/types.js';
import { isOsEcosystem } from '../catalog/ecosystems.js';
import type { Verdict } from '../policy/types.js';
import { terminalSafe } from './escape.js';
import {
  KIND_ORDER,
  byImportance,
  describeOs,
  fileDetails,
  formatBytes,
  formatBytesPair,
  formatDelta,
  formatSizeDelta,
  kindCounts,
  nonPackagedChanges,
  nonPackagedTotal,
  ownerName,
  packageTotal,
  plural,
  problemGroups,
  settingValues,
  shortDigest,
  stateFileChanges,
  suspiciousPackageFiles,
} from './format.js';
import { attentionText } from './attention.js';
import {
  changeCounts,
  derivedNote,
  foldSummary,
  nonPackagedRows,
  relativeTo,
  type FileRow,
} from './file-rows.js';
import { osChangeClass, sortViolations } from './markdown-head.js';

export interface TextOptions {
  /** ANSI colours: the CLI decides (a TTY and NO_COLOR unset). */
  color: boolean;
  verdict?: Verdict;
}

type Paint = (text: string) => string;

function palette(color: boolean): Record<'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan', Paint> {
  const sgr = (open: number, close: number): Paint =>
    color ? (t) => `\u001b[${open}m${t}\u001b[${close}m` : (t) => t;
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** An image string made harmless for a terminal: no escape sequences, no hidden characters. */
const safe = (s: string, max = 300) => terminalSafe(s, max);

/**
 * The changelog for a terminal: the same facts as the markdown, complete (no budget), every image
 * string stripped of control characters so a crafted name cannot move the cursor or rewrite the screen.
 */
export function renderText(changes: Changes, options: TextOptions): string {
  const c = palette(options.color);
  const out: string[] = [];
  const section = (title: string) => out.push('', c.bold(title));
  const a = changes.after;
  const b = changes.before;

  out.push(
    c.bold(`Image changelog: ${safe(a.summary.reference)}`) +
      (b ? ` (previous: ${safe(b.summary.reference)})` : ''),
  );
  if (changes.firstRelease) {
    out.push(
      `First release: ${plural(packageTotal(changes), 'package')}, ${plural(nonPackagedTotal(changes), 'non-packaged file')}, ${safe(describeOs(a.os))}, ${safe(a.summary.platform)}`,
    );
  } else {
    const parts: string[] = [];
    if (packageTotal(changes) > 0)
      parts.push(`${plural(packageTotal(changes), 'package')} changed (${kindCounts(changes)})`);
    if (nonPackagedTotal(changes) > 0) parts.push(plural(nonPackagedTotal(changes), 'non-packaged file'));
    if (changes.counts.unexplained > 0)
      parts.push(`${plural(changes.counts.unexplained, 'package file')} changed without a package change`);
    const keys = byImportance(settingChanges(changes.settings)).map((s) => safe(s.key, 60));
    if (keys.length > 0) parts.push(`settings: ${keys.join(', ')}`);
    out.push(parts.length > 0 ? parts.join(', ') : 'No changes in packages, non-packaged files or settings.');
    if (changes.platformChanged)
      out.push(
        c.yellow(`Platform changed: ${safe(b?.summary.platform ?? '')} → ${safe(a.summary.platform)}`),
      );
    if (changes.osChanged)
      out.push(
        c.yellow(
          `Base OS changed${osChangeClass(changes)}: ${safe(describeOs(b?.os))} → ${safe(describeOs(a.os))}`,
        ),
      );
    const security = changes.security;
    if (security && security.fixed.length > 0)
      out.push(
        c.green(
          `Security: ${plural(security.fixed.length, 'CVE')} fixed by the upgrades, most notable ${security.fixed
            .slice(0, 3)
            .map((m) => `${safe(m.id, 20)} (${safe(m.packages[0] ?? '', 60)})`)
            .join(', ')}`,
        ),
      );
    if (security && security.reopened.length > 0)
      out.push(
        c.red(
          `Downgrades reopen ${plural(security.reopened.length, 'CVE')}: ${security.reopened
            .slice(0, 5)
            .map((m) => safe(m.id, 20))
            .join(', ')}`,
        ),
      );
  }

  const problems = problemGroups(changes.problems);
  if (problems.length > 0)
    out.push(
      c.red(
        `${plural(changes.problems.length, 'problem')} reading the images: ${problems
          .slice(0, 4)
          .map((g) => `${g.code}${g.count > 1 ? ` x${g.count}` : ''} (${g.where})`)
          .join(
            ', ',
          )}${problems.length > 4 ? ', ...' : ''}; the changelog may be incomplete there (the JSON report names each path)`,
      ),
    );
  const attention = attentionText(changes.attention, { high: c.red, medium: c.yellow, low: c.dim });
  if (attention.length > 0) out.push('', ...attention.map((l, i) => (i === 0 ? c.bold(l) : l)));

  const verdict = options.verdict;
  if (verdict) {
    const paint = verdict.result === 'stop' ? c.red : verdict.result === 'warn' ? c.yellow : c.green;
    out.push('', paint(c.bold(`Policy ${safe(verdict.policy, 100)}: ${verdict.result.toUpperCase()}`)));
    for (const v of sortViolations(verdict.violations)) {
      const tag = v.allowed
        ? c.dim(`allowed ${v.action}`)
        : v.action === 'stop'
          ? c.red('stop')
          : v.action === 'warn'
            ? c.yellow('warn')
            : 'info';
      out.push(`  ${tag}  ${safe(v.rule, 80)}  ${safe(v.subject, 120)}: ${safe(v.message)}`);
    }
  }

  section('Overview');
  const rows: Array<[string, string, string, string]> = [
    ['image', safe(b?.summary.reference ?? ''), safe(a.summary.reference), ''],
    [
      'digest',
      b ? shortDigest(safe(b.summary.manifestDigest)) : '',
      shortDigest(safe(a.summary.manifestDigest)),
      '',
    ],
    [
      'platform',
      safe(b?.summary.platform ?? ''),
      safe(a.summary.platform),
      changes.platformChanged ? 'changed' : '',
    ],
    ['os', b ? safe(describeOs(b.os)) : '', safe(describeOs(a.os)), changes.osChanged ? 'changed' : ''],
    compressedRow(b?.summary, a.summary),
    ['uncompressed', ...sizeRow(b?.summary.uncompressedSize, a.summary.uncompressedSize)],
    [
      'packages',
      b ? String(b.packageCount) : '',
      String(a.packageCount),
      b ? formatDelta(b.packageCount, a.packageCount) : '',
    ],
    [
      'files',
      b ? String(b.fileCount) : '',
      String(a.fileCount),
      b ? formatDelta(b.fileCount, a.fileCount) : '',
    ],
    [
      'layers',
      b ? String(b.summary.layers.length) : '',
      String(a.summary.layers.length),
      b
        ? `${formatDelta(b.summary.layers.length, a.summary.layers.length)} (${changes.layers.shared} shared)`
        : '',
    ],
  ];
  for (const [k, x, y, d] of rows)
    out.push(`  ${k.padEnd(13)} ${b ? `${x}  →  ` : ''}${y}${d ? `  ${c.dim(d)}` : ''}`);

  if (changes.packages.length > 0) {
    section(`Packages (${changes.packages.length})`);
    for (const kind of KIND_ORDER) {
      const list = changes.packages.filter((p) => p.kind === kind);
      if (list.length === 0) continue;
      const paint =
        kind === 'downgraded' || kind === 'removed' ? c.red : kind === 'rebuilt' ? c.yellow : c.green;
      out.push(`  ${paint(`${kind} (${list.length})`)}`);
      for (const p of list) out.push(`    ${packageLine(p, c.dim)}`);
    }
  }
  const suspicious = suspiciousPackageFiles(changes);
  if (suspicious.length > 0) {
    section(`Package files that differ from their package (${suspicious.length})`);
    for (const f of suspicious)
      out.push(
        `  ${c.yellow(f.kind.padEnd(8))} ${safe(f.path)}  ${c.dim(`[${f.owners.map((o) => ownerText(changes, o)).join(', ')}] ${fileText(f)}`)}`,
      );
  }
  const files = nonPackagedChanges(changes);
  if (files.length > 0) {
    // Counted as the headline and the markdown count them: files, then the directories listed with them.
    const fileCount = nonPackagedTotal(changes);
    const dirs = files.length - fileCount;
    const rows = nonPackagedRows(changes);
    const derived = derivedNote(changes);
    const depth = rows.some((r) => r.type === 'dir')
      ? `one row per directory at depth ${String(changes.options.depth)}`
      : '';
    section(
      `Non-packaged files (${plural(fileCount, 'file')}${dirs > 0 ? `, ${plural(dirs, 'directory', 'directories')}` : ''})`,
    );
    const how = [derived, depth].filter((x) => x !== undefined && x !== '').join('; ');
    if (how) out.push(`  ${c.dim(how)}`);
    const width = Math.max(8, ...rows.map((r) => (r.type === 'path' ? 0 : changeCounts(r.changes).length)));
    for (const row of rows) out.push(`  ${listLine(row, c, width)}`);
  }
  const settings = settingChanges(changes.settings);
  if (settings.length > 0) {
    section(`Settings (${settings.length})`);
    for (const s of settings) {
      const [before, after] = settingValues(s.key, s.before, s.after);
      const v = (x: string | undefined) => (x === undefined ? c.dim('(unset)') : safe(x));
      out.push(`  ${safe(s.key, 120)}: ${changes.firstRelease ? v(after) : `${v(before)} → ${v(after)}`}`);
    }
  }
  if (changes.layers.added.length + changes.layers.removed.length > 0) {
    section(
      `Layers (${changes.layers.shared} shared, ${changes.layers.added.length} added, ${changes.layers.removed.length} removed)`,
    );
    const added = new Set(changes.layers.added);
    const removed = new Set(changes.layers.removed);
    const line = (what: string, l: Changes['after']['summary']['layers'][number]) =>
      `  ${what} ${shortDigest(safe(l.diffID, 80))}  ${formatBytes(l.size)}  ${c.dim(safe((l.createdBy ?? '').trim(), 160))}`;
    for (const l of a.summary.layers) if (added.has(l.diffID)) out.push(line(c.green('+'), l));
    for (const l of b?.summary.layers ?? []) if (removed.has(l.diffID)) out.push(line(c.red('-'), l));
  }
  const notes: string[] = [];
  if (changes.counts.excluded > 0)
    notes.push(
      `${plural(changes.counts.excluded, 'changed path')} matched the exclude globs (only in --format json).`,
    );
  const state = stateFileChanges(changes);
  if (state > 0) notes.push(`${plural(state, 'package-manager state file')} changed with the packages.`);
  if (notes.length > 0) out.push('', c.dim(notes.join(' ')));
  return `${out.join('\n')}\n`;
}

/** One line of the non-packaged list: a path, a fold of derived noise, or a directory at the depth. */
function listLine(row: FileRow, c: ReturnType<typeof palette>, width: number): string {
  if (row.type === 'path') {
    const f = row.change;
    const paint = f.kind === 'added' ? c.green : f.kind === 'removed' ? c.red : c.yellow;
    return `${paint(f.kind.padEnd(width))} ${safe(f.path)}  ${c.dim(fileText(f))}`;
  }
  const counts = c.yellow(changeCounts(row.changes).padEnd(width));
  const names = (paths: readonly string[]) =>
    paths
      .slice(0, 3)
      .map((p) => safe(p, 120))
      .join(', ') + (paths.length > 3 ? ` +${paths.length - 3} more` : '');
  if (row.type === 'dir') {
    const members = row.changes.map((m) => relativeTo(row.path, m.path));
    return `${counts} ${safe(row.path === '/' ? '/' : `${row.path}/`)}  ${c.dim(`${plural(members.length, 'path')}: ${names(members)}`)}`;
  }
  const f = row.fold;
  if (f.kind === 'trust-store') {
    const bundles = (f.members ?? []).map((b) => relativeTo(f.path, b));
    return `${counts} ${safe(`${f.path}/`)}  ${c.dim(foldSummary(f, names(bundles)))}`;
  }
  if (f.kind === 'caches') return `${counts} ${names(f.members ?? [])}  ${c.dim(foldSummary(f))}`;
  const target = row.changes.find((m) => m.path === f.path) ?? row.changes[0]!;
  const detail = fileText(target);
  return `${counts} ${safe(f.path)}  ${c.dim(`${foldSummary(f)}${detail ? `; ${detail}` : ''}`)}`;
}

/** Before, after and change of a size in the overview (no before on a first release). */
/** The compressed sizes with their change, or why they are not compared (layers stored differently). */
function compressedRow(
  before: ImageSummary | undefined,
  after: ImageSummary,
): [string, string, string, string] {
  if (before === undefined || compareCompressedSizes(before, after).comparable)
    return ['compressed', ...sizeRow(before?.compressedSize, after.compressedSize)];
  const cmp = compareCompressedSizes(before, after);
  return [
    'compressed',
    formatBytes(before.compressedSize),
    formatBytes(after.compressedSize),
    cmp.comparable ? '' : cmp.why,
  ];
}

function sizeRow(before: number | undefined, after: number): [string, string, string] {
  if (before === undefined) return ['', formatBytes(after), ''];
  return [...formatBytesPair(before, after), formatSizeDelta(before, after)];
}

function packageLine(p: PackageChange, dim: Paint): string {
  // `name (ecosystem, arch) location`, as the markdown tables and the package-file owners name a package.
  const location = isOsEcosystem(p.ecosystem) ? '' : ` ${safe(p.location, 120)}`;
  const origin = [p.ecosystem, ...(p.arch ? [safe(p.arch, 20)] : [])].join(', ');
  const versions =
    p.before && p.after
      ? `${safe(p.before.version, 80)} → ${safe(p.after.version, 80)}`
      : safe((p.after ?? p.before)?.version ?? '', 80);
  const cves = p.changelog?.cves.length ?? 0;
  const extra = [
    p.bump,
    p.fileChanges > 0 ? plural(p.fileChanges, 'file') : undefined,
    cves > 0 ? plural(cves, 'CVE') : p.changelog?.security ? 'security update' : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
  return `${safe(p.name, 120)} ${dim(`(${origin})${location}`)}  ${versions}${extra ? `  ${dim(extra)}` : ''}`;
}

/** `base-files (dpkg, amd64)`, as the package lines name a package. */
function ownerText(changes: Changes, owner: PackageId): string {
  const { name, where } = ownerName(changes, owner);
  return `${safe(name, 60)}${where.length > 0 ? ` (${where.map((w) => safe(w, 20)).join(', ')})` : ''}`;
}

function fileText(f: FileChange): string {
  const { facts, link } = fileDetails(f);
  if (link)
    facts.push(
      `→ ${link.before !== undefined ? `${safe(link.before, 120)} → ` : ''}${safe(link.after, 120)}`,
    );
  return facts.join(', ');
}
