import type { ChangelogEntry } from '../../catalog/types.js';
import type { AttentionItem, PackageChange } from '../types.js';
import { item, layerOf, type AttentionContext } from './context.js';

/** Changelog entries and CVE ids a downgrade item names before "and N more" (the JSON report has all). */
const NAMED_ENTRIES = 3;
const NAMED_CVES = 5;

/**
 * One item per downgraded package. When the old package's changelog tells what the downgrade undoes
 * (diff/change-notes.ts), the item names those entries and the CVEs they fix, so the reviewer sees
 * the reopened vulnerabilities in the Attention block itself, not only in the folded entries.
 */
export function downgradeAttention(ctx: AttentionContext): AttentionItem[] {
  const { after, changes } = ctx;
  const out: AttentionItem[] = [];
  for (const p of changes.packages) {
    if (p.kind !== 'downgraded') continue;
    const notes = p.changelog;
    const cves = notes?.cves ?? [];
    const layer = layerOf(
      after,
      after.packages.find((x) => x.ecosystem === p.ecosystem && x.name === p.name)?.layer,
    );
    out.push(
      item({
        kind: 'downgrade',
        severity: 'high',
        what: cves.length > 0 ? 'package downgraded, reopening CVEs' : 'package downgraded',
        where: p.name,
        whereKind: 'package',
        details: [
          `${p.before?.version ?? '?'} → ${p.after?.version ?? '?'}`,
          p.ecosystem,
          ...undoneDetails(p),
        ],
        why:
          cves.length > 0
            ? 'the old version’s changelog fixes them; this image runs the version before those fixes'
            : 'an older version can bring back bugs and vulnerabilities fixed since',
        ...(cves.length > 0 ? { subtype: 'reopens-cve' } : {}),
        ...(layer ? { layer } : {}),
      }),
    );
  }
  return out;
}

/** `undoes 2 changelog entries (3.0.11-1~deb12u2, 3.0.11-1~deb12u1)`, `reopens CVE-…, CVE-…`. */
function undoneDetails(p: PackageChange): string[] {
  const notes = p.changelog;
  if (notes === undefined || notes.entries.length === 0) return [];
  const n = notes.entries.length;
  const names = notes.entries.slice(0, NAMED_ENTRIES).map(entryName);
  const more = n > NAMED_ENTRIES ? `, and ${n - NAMED_ENTRIES} more` : '';
  const out = [
    `undoes ${n} changelog ${n === 1 ? 'entry' : 'entries'}${notes.incomplete ? ' or more' : ''} (${names.join(', ')}${more})`,
  ];
  if (notes.cves.length > 0) {
    const rest = notes.cves.length - NAMED_CVES;
    out.push(`reopens ${notes.cves.slice(0, NAMED_CVES).join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`);
  }
  return out;
}

/** An entry by its version, else its date, else its first words. */
function entryName(e: ChangelogEntry): string {
  if (e.version !== undefined && e.version !== '') return e.version.slice(0, 40);
  if (e.time !== undefined && e.time > 0) return new Date(e.time * 1000).toISOString().slice(0, 10);
  return e.text.trim().replace(/\s+/g, ' ').slice(0, 30);
}
