import type { AttentionItem, AttentionSeverity } from '../diff/types.js';
import { escapeCode, escapeText, terminalSafe } from './escape.js';

const ICON: Record<AttentionSeverity, string> = { high: '🔴', medium: '🟠', low: '⚪' };

/** `3 (1 high, 2 medium)`. */
export function attentionTally(items: readonly AttentionItem[]): string {
  const n = (s: AttentionSeverity) => items.filter((i) => i.severity === s).length;
  const parts = (['high', 'medium', 'low'] as const).filter((s) => n(s) > 0).map((s) => `${n(s)} ${s}`);
  return `${items.length}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * Items that say the same thing about several subjects from one layer (ten users removed by one
 * upgrade) share a line, so the block stays a list of distinct facts; the JSON keeps every item.
 * Groups keep the rank of their first item.
 */
export function groupAttention(items: readonly AttentionItem[]): AttentionItem[][] {
  const groups = new Map<string, AttentionItem[]>();
  for (const it of items) {
    const key = JSON.stringify([it.severity, it.what, it.why, it.layer?.index, it.layer?.createdBy]);
    const group = groups.get(key);
    if (group) group.push(it);
    else groups.set(key, [it]);
  }
  return [...groups.values()];
}

/** How many subjects a grouped line names before "and N more". */
const GROUP_NAMES = 40;

function subjects<T>(group: readonly T[], name: (it: T) => string): string {
  const shown = group.slice(0, GROUP_NAMES).map(name);
  if (group.length > GROUP_NAMES) shown.push(`and ${group.length - GROUP_NAMES} more`);
  return shown.join(', ');
}

/** One markdown list line per group of items, escaped once (image text: where, details, history). */
export function attentionLines(items: readonly AttentionItem[]): string[] {
  return groupAttention(items).map((group) => {
    const it = group[0]!;
    const subject = (i: AttentionItem) => {
      const details = i.details.map((d) => escapeText(d, { max: 120 })).join(', ');
      return `${escapeCode(i.where, { table: false, max: 120 })}${details ? ` (${details})` : ''}`;
    };
    const layer =
      it.layer === undefined
        ? ''
        : ` · layer ${it.layer.index}${it.layer.createdBy ? `: ${escapeCode(it.layer.createdBy, { table: false, max: 80 })}` : ''}`;
    const what = group.length > 1 ? `**${it.what}** (${group.length}):` : `**${it.what}**`;
    return `- ${ICON[it.severity]} ${what} ${subjects(group, subject)}: ${it.why}${layer}`;
  });
}

/** The Attention block for markdown surfaces, with at most `limit` items. */
export function attentionBlock(
  lines: readonly string[],
  items: readonly AttentionItem[],
  limit: number,
  more: (n: number) => string,
): string {
  if (lines.length === 0) return '';
  const shown = lines.slice(0, limit);
  if (lines.length > limit) shown.push(`- ${more(lines.length - limit)}`);
  return [`**Attention**: ${attentionTally(items)}`, '', ...shown].join('\n');
}

/** The Attention block for a terminal (complete; every image string made terminal-safe). */
export function attentionText(
  items: readonly AttentionItem[],
  paint: Record<AttentionSeverity, (s: string) => string>,
): string[] {
  if (items.length === 0) return [];
  const out = [`Attention: ${attentionTally(items)}`];
  for (const group of groupAttention(items)) {
    const it = group[0]!;
    const subject = (i: AttentionItem) => {
      const details = i.details.map((d) => terminalSafe(d, 120)).join(', ');
      return `${terminalSafe(i.where, 120)}${details ? ` (${details})` : ''}`;
    };
    const layer =
      it.layer === undefined
        ? ''
        : ` [layer ${it.layer.index}${it.layer.createdBy ? `: ${terminalSafe(it.layer.createdBy, 80)}` : ''}]`;
    const what = group.length > 1 ? `${it.what} (${group.length})` : it.what;
    out.push(
      `  ${paint[it.severity](it.severity.padEnd(6))} ${what}: ${subjects(group, subject)} — ${it.why}${layer}`,
    );
  }
  return out;
}
