import type { Inventory } from '../../catalog/types.js';
import { ATTENTION_KINDS, type AttentionItem, type Changes } from '../types.js';
import { accountAttention } from './accounts.js';
import type { AttentionContext } from './context.js';
import { downgradeAttention } from './downgrades.js';
import { fileAttention } from './files.js';
import { imageAttention } from './image.js';
import { toolAttention } from './tools.js';

const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;

/** Most serious first; then by kind (ATTENTION_KINDS order), keeping each producer's own order. */
export function rankAttention(items: readonly AttentionItem[]): AttentionItem[] {
  const kindRank = (k: string) => {
    const i = (ATTENTION_KINDS as readonly string[]).indexOf(k);
    return i < 0 ? ATTENTION_KINDS.length : i;
  };
  return items
    .map((it, i) => ({ it, i }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.it.severity] - SEVERITY_RANK[b.it.severity] ||
        kindRank(a.it.kind) - kindRank(b.it.kind) ||
        a.i - b.i,
    )
    .map(({ it }) => it);
}

/**
 * The Attention block: what a reviewer must see first, with no policy. Pure: reads both inventories
 * and the changes already computed from them.
 */
export function computeAttention(
  before: Inventory | undefined,
  after: Inventory,
  changes: Omit<Changes, 'attention'>,
): AttentionItem[] {
  const ctx: AttentionContext = {
    ...(before ? { before } : {}),
    after,
    changes,
  };
  return rankAttention([
    ...fileAttention(ctx),
    ...imageAttention(ctx),
    ...downgradeAttention(ctx),
    ...accountAttention(ctx),
    ...toolAttention(ctx),
  ]);
}
