import type { Inventory } from '../catalog/types.js';
import type { EntryType } from '../layers/types.js';
import { formatBytes } from '../util/format-bytes.js';
import { terminalSafe } from './escape.js';
import { ownerText } from './json.js';

/** What `inspect` reports: plain data, rendered as text or JSON by the CLI. */
export interface InspectSummary {
  reference: string;
  manifestDigest: string;
  platform: string;
  os?: string;
  layers: Array<{ diffID: string; size: number; uncompressedSize: number }>;
  compressedSize: number;
  uncompressedSize: number;
  fileCounts: Record<EntryType, number>;
  /** Sum of regular file sizes. */
  contentBytes: number;
  packages: Record<string, number>;
  /** Runtimes and self-named binaries (`name version (location)`): few, and what a reader looks for first. */
  runtimes: string[];
  nonPackagedFiles: number;
  problems: number;
}

export function summarizeInventory(inv: Inventory): InspectSummary {
  const fileCounts: Record<EntryType, number> = {
    file: 0,
    dir: 0,
    symlink: 0,
    hardlink: 0,
    char: 0,
    block: 0,
    fifo: 0,
  };
  let contentBytes = 0;
  let nonPackaged = 0;
  inv.files.forEachShape((type, size, ownership) => {
    fileCounts[type]++;
    if (type === 'file') contentBytes += size;
    if (type !== 'dir' && ownership === 'none') nonPackaged++;
  });
  const packages: Record<string, number> = {};
  for (const p of inv.packages) packages[p.ecosystem] = (packages[p.ecosystem] ?? 0) + 1;
  const runtimes = inv.packages
    .filter((p) => p.ecosystem === 'runtime' || p.ecosystem === 'binary')
    .map((p) => `${p.name} ${p.version} (${p.location})`);
  const s: InspectSummary = {
    reference: inv.image.reference,
    manifestDigest: inv.image.manifestDigest,
    platform: inv.image.platform,
    layers: inv.image.layers.map((l) => ({
      diffID: l.diffID,
      size: l.size,
      uncompressedSize: l.uncompressedSize,
    })),
    compressedSize: inv.image.compressedSize,
    uncompressedSize: inv.image.uncompressedSize,
    fileCounts,
    contentBytes,
    packages,
    runtimes,
    nonPackagedFiles: nonPackaged,
    problems: inv.problems.length,
  };
  const os = inv.os?.prettyName ?? (inv.os ? `${inv.os.id} ${inv.os.versionId ?? ''}`.trim() : undefined);
  if (os) s.os = os;
  return s;
}

/** Terminal text for `inspect`; strings from the image have control characters removed. */
export function renderInspectText(s: InspectSummary, problems: Inventory['problems']): string {
  const clean = (t: string): string => terminalSafe(t, 500);
  const lines = [
    `image     ${clean(s.reference)}`,
    `digest    ${s.manifestDigest}`,
    `platform  ${clean(s.platform)}`,
    `os        ${clean(s.os ?? 'unknown')}`,
    `size      ${formatBytes(s.compressedSize)} compressed, ${formatBytes(s.uncompressedSize)} uncompressed`,
    `layers    ${s.layers.length}`,
    ...s.layers.map(
      (l, i) =>
        `  ${String(i + 1).padStart(3)}  ${l.diffID.slice(0, 19)}  ${formatBytes(l.size).padStart(9)}  ${formatBytes(l.uncompressedSize).padStart(9)}`,
    ),
    `files     ${Object.entries(s.fileCounts)
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `${n} ${t}`)
      .join(', ')} (${formatBytes(s.contentBytes)} of content)`,
    `packages  ${
      Object.keys(s.packages).length === 0
        ? 'none found'
        : Object.entries(s.packages)
            .map(([e, n]) => `${n} ${e}`)
            .join(', ')
    }`,
    ...(s.runtimes.length > 0 ? [`runtimes  ${s.runtimes.slice(0, 20).map(clean).join(', ')}`] : []),
    `non-packaged files  ${s.nonPackagedFiles}`,
  ];
  if (problems.length > 0) {
    lines.push(`problems  ${problems.length}`);
    for (const p of problems.slice(0, 20)) lines.push(`  ${clean(p.path)}: ${clean(p.message)}`);
    if (problems.length > 20) lines.push(`  … and ${problems.length - 20} more (see --json)`);
  }
  return `${lines.join('\n')}\n`;
}

/** `inspect --format json`: the summary, then the inventory, owners named as the report names them. */
export function renderInspectJson(inv: Inventory): string {
  const files = [...inv.files].map((f) => (f.owners ? { ...f, owners: f.owners.map(ownerText) } : f));
  return `${JSON.stringify({ summary: summarizeInventory(inv), ...inv, files }, null, 1)}\n`;
}
