import { settingChanges } from '../diff/settings.js';
import type { Changes, FileChange, PackageChange, PackageChangeKind } from '../diff/types.js';
import type { PackageId } from '../catalog/types.js';
import { isOsEcosystem } from '../catalog/ecosystems.js';
import { escapeCode, escapeText } from './escape.js';
import type { Limits } from './budget.js';
import {
  KIND_ORDER,
  fileDetails,
  formatBytes,
  nonPackagedChanges,
  ownerName,
  plural,
  settingValues,
  shortDigest,
  suspiciousPackageFiles,
} from './format.js';
import { prepareTable, renderTable, type PreparedTable } from './markdown-table.js';
import {
  DIR_ROW_NAMES,
  changeCounts,
  derivedNote,
  foldSummary,
  nonPackagedRows,
  relativeTo,
  type FileRow,
} from './file-rows.js';

/**
 * The rows of every section, escaped once; rendering for a budget only slices them.
 * Each section renders as a `<details>` block, with "… and N more" when cut.
 */
export class MarkdownSections {
  private readonly byKind: Map<PackageChangeKind, PreparedTable>;
  private readonly fileRows: PreparedTable;
  /** Some rows stand for a directory at the depth. */
  private readonly grouped: boolean;
  private readonly suspiciousRows: PreparedTable;
  private readonly settingRows: PreparedTable;
  private readonly layerRows: PreparedTable;
  readonly totals: Omit<Limits, 'changelogs'>;
  private readonly nonPackagedCount: number;
  private readonly derived: string | undefined;

  constructor(
    private readonly changes: Changes,
    private readonly more: (n: number) => string,
    violations: number,
  ) {
    // Added and removed packages have one version and no bump: no empty columns for them.
    const table = (k: PackageChangeKind) => {
      const list = changes.packages.filter((p) => p.kind === k);
      return k === 'added' || k === 'removed'
        ? prepareTable(['Package', 'Version', 'Files'], list.map(singleVersionRow), ['l', 'l', 'r'])
        : prepareTable(['Package', 'Before', 'After', 'Bump', 'Files'], list.map(packageRow), [
            'l',
            'l',
            'l',
            'l',
            'r',
          ]);
    };
    this.byKind = new Map(KIND_ORDER.map((k) => [k, table(k)]));
    const rows = nonPackagedRows(changes);
    // Counted once: a budget fit renders the sections many times over a diff of 50,000 files.
    this.nonPackagedCount = nonPackagedChanges(changes).length;
    this.derived = derivedNote(changes);
    this.grouped = rows.some((r) => r.type === 'dir');
    this.fileRows = prepareTable(['Change', 'Path', 'Details'], rows.map(listRow), ['l', 'l', 'l']);
    this.suspiciousRows = prepareTable(
      ['Path', 'Package', 'Change', 'Details'],
      suspiciousPackageFiles(changes).map((f) => suspiciousRow(changes, f)),
      ['l', 'l', 'l', 'l'],
    );
    // A first release has nothing before: one value column, as the text output shows it.
    const settings = settingChanges(changes.settings);
    this.settingRows = changes.firstRelease
      ? prepareTable(
          ['Setting', 'Value'],
          settings.map((s) => [escapeCode(s.key, { max: 120 }), value(s.after, s.redacted)]),
          ['l', 'l'],
        )
      : prepareTable(
          ['Setting', 'Before', 'After'],
          settings.map((s) => {
            const [before, after] = settingValues(s.key, s.before, s.after);
            return [escapeCode(s.key, { max: 120 }), value(before, s.redacted), value(after, s.redacted)];
          }),
          ['l', 'l', 'l'],
        );
    this.layerRows = prepareTable(['Layer', 'Change', 'Digest', 'Size', 'Created by'], layerRows(changes), [
      'r',
      'l',
      'l',
      'r',
      'l',
    ]);
    const packages = Math.max(
      0,
      ...KIND_ORDER.filter((k) => k !== 'downgraded').map((k) => this.byKind.get(k)!.rows.length),
    );
    this.totals = {
      attention: changes.attention.length,
      violations,
      downgrades: this.byKind.get('downgraded')!.rows.length,
      packages,
      settings: this.settingRows.rows.length,
      files: this.fileRows.rows.length,
      suspicious: this.suspiciousRows.rows.length,
      layers: this.layerRows.rows.length,
    };
  }

  /** The table cut to `limit` rows, with "… and N more" when cut; '' when it has no rows. */
  private tableOf(t: PreparedTable, limit: number): string {
    const total = t.rows.length;
    if (total === 0) return '';
    const shown = Math.min(total, limit);
    const rest = shown < total ? this.more(total - shown) : '';
    if (shown === 0) return rest;
    return rest ? `${renderTable(t, shown)}\n\n${rest}` : renderTable(t, shown);
  }

  packages(limits: Limits): string {
    const total = this.changes.packages.length;
    if (total === 0) return '';
    const parts: string[] = [];
    for (const kind of KIND_ORDER) {
      const t = this.byKind.get(kind)!;
      if (t.rows.length === 0) continue;
      const limit = kind === 'downgraded' ? limits.downgrades : limits.packages;
      const title = `**${kind[0]!.toUpperCase()}${kind.slice(1)}** (${t.rows.length})`;
      parts.push(`${title}\n\n${this.tableOf(t, limit)}`);
    }
    const first = this.changes.firstRelease ? ' in the image' : ' changed';
    return details(`<b>Packages</b>: ${total}${first}`, parts.join('\n\n'), !this.changes.firstRelease);
  }

  nonPackaged(limits: Limits): string {
    if (this.fileRows.rows.length === 0) return '';
    const c = this.changes.counts;
    const files = c.nonPackaged.added + c.nonPackaged.removed + c.nonPackaged.modified;
    const dirs = this.nonPackagedCount - files;
    const derived = this.derived;
    const depth = this.grouped
      ? `; one row per directory at depth ${String(this.changes.options.depth)}`
      : '';
    const summary = `<b>Non-packaged files</b>: ${plural(files, 'file')}${dirs > 0 ? `, ${plural(dirs, 'directory', 'directories')}` : ''}${derived ? `; ${derived}` : ''}${depth}`;
    return details(summary, this.tableOf(this.fileRows, limits.files), false);
  }

  suspicious(limits: Limits): string {
    const total = this.suspiciousRows.rows.length;
    if (total === 0) return '';
    return details(
      `<b>Package files that differ from their package</b>: ${total}`,
      this.tableOf(this.suspiciousRows, limits.suspicious),
      false,
    );
  }

  settings(limits: Limits): string {
    const total = this.settingRows.rows.length;
    if (total === 0) return '';
    const title = this.changes.firstRelease ? '<b>Settings</b>' : `<b>Settings</b>: ${total} changed`;
    return details(title, this.tableOf(this.settingRows, limits.settings), false);
  }

  layers(limits: Limits): string {
    const l = this.changes.layers;
    if (this.layerRows.rows.length === 0) return '';
    const title = `<b>Layers</b>: ${l.shared} shared, ${l.added.length} added, ${l.removed.length} removed`;
    return details(title, this.tableOf(this.layerRows, limits.layers), false);
  }
}

export function details(summary: string, body: string, open: boolean): string {
  return `<details${open ? ' open' : ''}>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function version(ref: PackageChange['before']): string {
  return ref ? escapeCode(ref.version, { max: 80 }) : '';
}

function packageName(p: PackageChange): string {
  const where = [p.ecosystem, ...(p.arch ? [escapeText(p.arch, { max: 20 })] : [])].join(', ');
  const location = isOsEcosystem(p.ecosystem) ? '' : ` ${escapeCode(p.location, { max: 80 })}`;
  return `${escapeCode(p.name, { max: 100 })} (${where})${location}`;
}

function fileCount(p: PackageChange): string {
  return p.fileChanges > 0 ? String(p.fileChanges) : '';
}

function packageRow(p: PackageChange): string[] {
  const bump = p.bump === 'major' ? '**major**' : (p.bump ?? '');
  return [packageName(p), version(p.before), version(p.after), bump, fileCount(p)];
}

function singleVersionRow(p: PackageChange): string[] {
  return [packageName(p), version(p.after ?? p.before), fileCount(p)];
}

function detailText(change: FileChange): string {
  const { facts, link } = fileDetails(change);
  const parts = [...facts]; // our own words and numbers: nothing from the image
  if (link)
    parts.push(
      `→ ${link.before !== undefined ? `${escapeCode(link.before, { max: 80 })} → ` : ''}${escapeCode(link.after, { max: 80 })}`,
    );
  return parts.join(', ');
}

function fileRow(change: FileChange): string[] {
  const isDir = (change.after ?? change.before)?.type === 'dir';
  return [change.kind + (isDir ? ' (dir)' : ''), escapeCode(change.path, { max: 160 }), detailText(change)];
}

/** Up to `max` paths as code, then `+N more`. */
function names(paths: readonly string[], max = DIR_ROW_NAMES): string {
  const shown = paths.slice(0, max).map((p) => escapeCode(p, { max: 80 }));
  return `${shown.join(', ')}${paths.length > max ? ` +${paths.length - max} more` : ''}`;
}

/** One row of the non-packaged list: a path, a fold of derived noise, or a directory at the depth. */
function listRow(row: FileRow): string[] {
  if (row.type === 'path') return fileRow(row.change);
  const counts = changeCounts(row.changes);
  if (row.type === 'dir') {
    const dir = row.path === '/' ? '/' : `${row.path}/`;
    const members = row.changes.map((c) => relativeTo(row.path, c.path));
    return [counts, escapeCode(dir, { max: 160 }), `${plural(members.length, 'path')}: ${names(members)}`];
  }
  const f = row.fold;
  if (f.kind === 'trust-store') {
    const bundles = f.members ?? [];
    return [
      counts,
      escapeCode(`${f.path}/`),
      foldSummary(f, names(bundles.map((b) => relativeTo(f.path, b)))),
    ];
  }
  if (f.kind === 'caches')
    return [counts, names(f.members ?? row.changes.map((c) => c.path)), foldSummary(f)];
  const target = row.changes.find((c) => c.path === f.path) ?? row.changes[0]!;
  const detail = detailText(target);
  return [counts, escapeCode(f.path, { max: 160 }), `${foldSummary(f)}${detail ? `; ${detail}` : ''}`];
}

function ownerCell(changes: Changes, owner: PackageId): string {
  const { name, where } = ownerName(changes, owner);
  return `${escapeCode(name, { max: 60 })}${where.length > 0 ? ` (${where.map((w) => escapeText(w, { max: 20 })).join(', ')})` : ''}`;
}

function suspiciousRow(changes: Changes, change: FileChange): string[] {
  const owners =
    change.owners
      .slice(0, 3)
      .map((o) => ownerCell(changes, o))
      .join(', ') + (change.owners.length > 3 ? ` +${change.owners.length - 3}` : '');
  const why = change.unexplained ? 'no package change' : 'package changed';
  return [escapeCode(change.path, { max: 160 }), owners, `${change.kind} (${why})`, detailText(change)];
}

function value(v: string | undefined, redacted?: boolean): string {
  if (v === undefined) return '*(unset)*';
  if (redacted && v === '(redacted)') return '*(redacted)*';
  return escapeCode(v, { max: 160 });
}

function layerRows(changes: Changes): string[][] {
  const added = new Set(changes.layers.added);
  const removed = new Set(changes.layers.removed);
  const row = (l: Changes['after']['summary']['layers'][number], i: number, what: string) => [
    String(i + 1),
    what,
    escapeCode(shortDigest(l.diffID), { max: 80 }),
    formatBytes(l.size),
    l.createdBy ? escapeCode(l.createdBy.trim(), { max: 160 }) : '',
  ];
  const rows = changes.after.summary.layers.flatMap((l, i) =>
    added.has(l.diffID) ? [row(l, i, 'added')] : [],
  );
  for (const [i, l] of (changes.before?.summary.layers ?? []).entries())
    if (removed.has(l.diffID)) rows.push(row(l, i, 'removed'));
  return rows;
}
