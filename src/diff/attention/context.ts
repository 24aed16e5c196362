import type { Inventory } from '../../catalog/types.js';
import type { AttentionItem, Changes } from '../types.js';

/** What every attention producer reads: both inventories, the changes, and the new image's paths. */
export interface AttentionContext {
  before?: Inventory;
  after: Inventory;
  changes: Omit<Changes, 'attention'>;
}

/** The layer that last wrote a path in the new image, with its history entry. */
export function layerOf(after: Inventory, index: number | undefined): AttentionItem['layer'] {
  if (index === undefined || index < 0) return undefined;
  const createdBy = after.image.layers[index]?.createdBy?.trim();
  return createdBy ? { index, createdBy } : { index };
}

export function item(
  fields: Omit<AttentionItem, 'details' | 'layer'> & { details?: string[]; layer?: AttentionItem['layer'] },
): AttentionItem {
  const out: AttentionItem = { ...fields, details: fields.details ?? [] };
  if (out.layer === undefined) delete out.layer;
  return out;
}
