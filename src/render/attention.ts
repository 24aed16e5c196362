import type { AttentionItem, AttentionSeverity } from '../diff/types.js';
import { escapeCode, escapeText, terminalSafe } from './escape.js';

const ICON: Record<AttentionSeverity, string> = { high: '🔴', medium: '🟠', low: '⚪' };

/** `3 (1 high, 2 medium)`. */
export function attentionTally(items: readonly AttentionItem[]): string {
  const n = (s: AttentionSeverity) => items.filter((i) => i.severity === s).length;
  const parts = (['high', 'medium', 'low'] as const).filter((s) => n(s) > 0).map((s) => `${n(s)} ${s}`);
  return `${items.length}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** One markdown list line per item, escaped once (image text: where, details, history). */
export function attentionLines(items: readonly AttentionItem[]): string[] {
  return items.map((it) => {
    const details = it.details.map((d) => escapeText(d, { max: 120 })).join(', ');
    const layer =
      it.layer === undefined
        ? ''
        : ` · layer ${it.layer.index}${it.layer.createdBy ? `: ${escapeCode(it.layer.createdBy, { table: false, max: 80 })}` : ''}`;
    return `- ${ICON[it.severity]} **${it.what}** ${escapeCode(it.where, { table: false, max: 120 })}${details ? ` (${details})` : ''}: ${it.why}${layer}`;
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
  for (const it of items) {
    const details = it.details.map((d) => terminalSafe(d, 120)).join(', ');
    const layer =
      it.layer === undefined
        ? ''
        : ` [layer ${it.layer.index}${it.layer.createdBy ? `: ${terminalSafe(it.layer.createdBy, 80)}` : ''}]`;
    out.push(
      `  ${paint[it.severity](it.severity.padEnd(6))} ${it.what}: ${terminalSafe(it.where, 120)}${details ? ` (${details})` : ''} — ${it.why}${layer}`,
    );
  }
  return out;
}
