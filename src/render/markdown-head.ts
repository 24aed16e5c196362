import type { ImageSummary } from '../catalog/types.js';
import { compareCompressedSizes } from '../diff/compressed-size.js';
import { settingChanges } from '../diff/settings.js';
import type { Changes } from '../diff/types.js';
import type { Verdict, Violation } from '../policy/types.js';
import { escapeCode, escapeText } from './escape.js';
import {
  byImportance,
  describeOs,
  formatBytes,
  formatBytesPair,
  formatDelta,
  formatSizeDelta,
  kindCounts,
  nonPackagedTotal,
  packageTotal,
  plural,
  problemGroups,
  shortDigest,
} from './format.js';
import { table } from './markdown-table.js';
import { derivedNote } from './file-rows.js';
import { compareCodeUnits as cmp } from '../util/code-unit-order.js';

/**
 * Said on the first screen when reading the images met problems: the changelog may be incomplete
 * there (a package database left out of the capture budget reads as its packages removed).
 */
export function problemsLine(changes: Changes, fullReportHint = ''): string | undefined {
  const groups = problemGroups(changes.problems);
  if (groups.length === 0) return undefined;
  const shown = groups
    .slice(0, 4)
    .map((g) => `${escapeCode(g.code)}${g.count > 1 ? ` ×${g.count}` : ''} (${g.where})`);
  if (groups.length > 4) shown.push(`and ${groups.length - 4} more kinds`);
  return `⚠️ **${plural(changes.problems.length, 'problem')} reading the images**: ${shown.join(', ')}. What they touch may be missing or wrong below; the full JSON report${fullReportHint} names each path.`;
}

/** One line a reviewer reads first: what changed, in counts. */
export function headline(changes: Changes): string {
  const c = changes.counts;
  if (changes.firstRelease) {
    const eco = new Map<string, number>();
    for (const p of changes.packages) eco.set(p.ecosystem, (eco.get(p.ecosystem) ?? 0) + 1);
    const byEco = [...eco].map(([e, n]) => `${e} ${n}`).join(', ');
    return (
      `**First release**: no previous image to compare with. ` +
      `**${plural(packageTotal(changes), 'package')}**${byEco ? ` (${byEco})` : ''}, ` +
      `**${plural(nonPackagedTotal(changes), 'non-packaged file')}**, ${escapeText(describeOs(changes.after.os))}, ` +
      `${escapeText(changes.after.summary.platform)}.`
    );
  }
  const parts: string[] = [];
  const pkgs = packageTotal(changes);
  if (pkgs > 0) parts.push(`**${plural(pkgs, 'package')} changed** (${kindCounts(changes)})`);
  const np = nonPackagedTotal(changes);
  if (np > 0) {
    const k = c.nonPackaged;
    const detail = (['added', 'removed', 'modified'] as const)
      .filter((x) => k[x] > 0)
      .map((x) => `${k[x]} ${x}`);
    const derived = derivedNote(changes, true);
    parts.push(
      `**${plural(np, 'non-packaged file')}** (${detail.join(', ')}${derived ? `; ${derived}` : ''})`,
    );
  }
  if (c.unexplained > 0)
    parts.push(`**${plural(c.unexplained, 'package file')} changed without a package change**`);
  // os and platform get lines of their own below.
  const keys = byImportance(settingChanges(changes.settings)).map((s) => s.key);
  if (keys.length > 0) {
    const shown = keys.slice(0, 5).map((k) => escapeCode(k, { table: false, max: 60 }));
    parts.push(
      `settings: ${shown.join(', ')}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''} changed`,
    );
  }
  const line =
    parts.length > 0 ? `${parts.join(', ')}.` : '**No changes** in packages, non-packaged files or settings.';
  const notes: string[] = [];
  if (changes.platformChanged)
    notes.push(
      `⚠️ **Platform changed**: ${escapeText(changes.before?.summary.platform ?? '')} → ${escapeText(changes.after.summary.platform)}.`,
    );
  if (changes.osChanged)
    notes.push(
      `**Base OS changed${osChangeClass(changes)}**: ${escapeText(describeOs(changes.before?.os))} → ${escapeText(describeOs(changes.after.os))}.`,
    );
  return [line, ...notes].join('\n');
}

const ACTION_RANK = { stop: 0, warn: 1, info: 2 } as const;

export function sortViolations(violations: readonly Violation[]): Violation[] {
  return [...violations].sort(
    (a, b) =>
      Number(a.allowed !== undefined) - Number(b.allowed !== undefined) ||
      ACTION_RANK[a.action] - ACTION_RANK[b.action] ||
      cmp(a.rule, b.rule) ||
      cmp(a.subject, b.subject) ||
      cmp(a.message, b.message),
  );
}

const ICON = { stop: '🛑', warn: '⚠️', info: 'ℹ️' } as const;

/** The verdict's alert header and one escaped line per violation (stops first), prepared once. */
export interface PreparedVerdict {
  head: string[];
  items: string[];
}

export function prepareVerdict(verdict: Verdict): PreparedVerdict {
  const active = verdict.violations.filter((v) => !v.allowed);
  const count = (a: 'stop' | 'warn' | 'info') => active.filter((v) => v.action === a).length;
  const allowed = verdict.violations.length - active.length;
  const tally = [
    ...(['stop', 'warn', 'info'] as const).filter((a) => count(a) > 0).map((a) => `${count(a)} ${a}`),
    ...(allowed > 0 ? [`${allowed} allowed`] : []),
  ].join(', ');
  const kind = verdict.result === 'stop' ? 'CAUTION' : verdict.result === 'warn' ? 'WARNING' : 'NOTE';
  const head = [
    `> [!${kind}]`,
    `> **Policy ${escapeCode(verdict.policy, { table: false, max: 100 })}: ${verdict.result}**${tally ? ` (${tally})` : ' (no violations)'}`,
  ];
  const items = sortViolations(verdict.violations).map((v) => {
    const status = v.allowed
      ? ` (allowed: ${escapeText(v.allowed.reason, { max: 100 })}${v.allowed.expires ? `, until ${escapeText(v.allowed.expires, { max: 30 })}` : ''})`
      : v.expiredAllowance
        ? ` (allowance expired ${escapeText(v.expiredAllowance.expires, { max: 30 })})`
        : '';
    return `> - ${ICON[v.action]} **${v.action}** ${escapeCode(v.rule, { table: false, max: 80 })} ${escapeCode(v.subject, { table: false, max: 120 })}: ${escapeText(v.message)}${status}`;
  });
  return { head, items };
}

/** The policy verdict as a GitHub alert, with at most `limit` violations listed. */
export function verdictBlock(prepared: PreparedVerdict, limit: number, more: (n: number) => string): string {
  const lines = [...prepared.head];
  if (prepared.items.length > 0) lines.push('>');
  lines.push(...prepared.items.slice(0, limit));
  if (prepared.items.length > limit) lines.push(`> - ${more(prepared.items.length - limit)}`);
  return lines.join('\n');
}

/** Reference, digest, platform, OS, size, packages, files, layers: before, after, delta. */
export function overviewTable(changes: Changes): string {
  const a = changes.after;
  const b = changes.before;
  const s = a.summary;
  const code = (x: string, max = 120) => escapeCode(x, { max });
  if (!b) {
    return table(
      ['', 'New image'],
      [
        ['Image', code(s.reference)],
        ['Digest', code(shortDigest(s.manifestDigest))],
        ['Platform', escapeText(s.platform)],
        ['OS', escapeText(describeOs(a.os))],
        ['Size (compressed)', formatBytes(s.compressedSize)],
        ['Size (uncompressed)', formatBytes(s.uncompressedSize)],
        ['Packages', String(a.packageCount)],
        ['Files', String(a.fileCount)],
        ['Layers', String(s.layers.length)],
      ],
      ['l', 'l'],
    );
  }
  const p = b.summary;
  const changed = (x: string, y: string) => (x === y ? '' : '**changed**');
  return table(
    ['', 'Previous', 'New', 'Change'],
    [
      ['Image', code(p.reference), code(s.reference), ''],
      [
        'Digest',
        code(shortDigest(p.manifestDigest)),
        code(shortDigest(s.manifestDigest)),
        p.manifestDigest === s.manifestDigest ? 'same' : '',
      ],
      ['Platform', escapeText(p.platform), escapeText(s.platform), changed(p.platform, s.platform)],
      [
        'OS',
        escapeText(describeOs(b.os)),
        escapeText(describeOs(a.os)),
        changes.osChanged ? '**changed**' : '',
      ],
      compressedRow(p, s),
      [
        'Size (uncompressed)',
        ...formatBytesPair(p.uncompressedSize, s.uncompressedSize),
        formatSizeDelta(p.uncompressedSize, s.uncompressedSize),
      ],
      [
        'Packages',
        String(b.packageCount),
        String(a.packageCount),
        formatDelta(b.packageCount, a.packageCount),
      ],
      ['Files', String(b.fileCount), String(a.fileCount), formatDelta(b.fileCount, a.fileCount)],
      [
        'Layers',
        String(p.layers.length),
        String(s.layers.length),
        `${formatDelta(p.layers.length, s.layers.length)} (${changes.layers.shared} shared)`,
      ],
    ],
    ['l', 'l', 'l', 'l'],
  );
}

/** The compressed sizes with their change, or why they are not compared (layers stored differently). */
function compressedRow(p: ImageSummary, s: ImageSummary): string[] {
  const cmp = compareCompressedSizes(p, s);
  return cmp.comparable
    ? [
        'Size (compressed)',
        ...formatBytesPair(p.compressedSize, s.compressedSize),
        formatSizeDelta(p.compressedSize, s.compressedSize),
      ]
    : ['Size (compressed)', formatBytes(p.compressedSize), formatBytes(s.compressedSize), cmp.why];
}

/** ` (major release)`, ` (point release)`, ` (another distribution)`: how the OS changed, for the headline. */
export function osChangeClass(changes: Changes): string {
  const c = changes.osRelease;
  if (c === undefined) return '';
  const down = c.direction === 'down' ? ', older' : '';
  return c.class === 'distribution' ? ' (another distribution)' : ` (${c.class} release${down})`;
}
