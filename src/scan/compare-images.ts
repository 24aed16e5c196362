import type { Image, ImageSource } from '../image/types.js';
import type { Platform } from '../oci/types.js';
import { openImage } from '../image/open.js';
import type { LayerIndexCache } from '../cache/layer-index-cache.js';
import { MemoryLayerIndexCache } from '../cache/layer-index-cache.js';
import type { ReadLayerOptions } from '../layers/read-layer.js';
import type { Cataloger, Inventory } from '../catalog/types.js';
import type { CaptureSpec } from '../layers/types.js';
import { defaultCatalogers, defaultCaptureSpec } from '../catalog/registry.js';
import type { Changes, DiffOptions } from '../diff/types.js';
import { diffInventories } from '../diff/diff.js';
import { isImageChangelogError } from '../util/errors.js';
import { collectGarbage } from '../util/collect-garbage.js';
import { LayerIndexer, type LayerProgress } from './layer-indexer.js';
import { buildInventory } from './build-inventory.js';
import type { LayerRereader } from './second-digest-pass.js';

export type ScanPhase = 'open' | 'layers' | 'catalog' | 'diff';

export interface ScanOptions {
  /** Wanted platform; default: the only one, else the host's (the previous image follows the new one). */
  platform?: Platform;
  /** All captured file contents of the run together (default: DEFAULT_MAX_CAPTURE_TOTAL_BYTES). */
  maxCaptureTotalBytes?: number;
  /** The previous image's own platform, when it differs by design (a Dockerfile stage whose FROM --platform changed). */
  previousPlatform?: Platform;
  /** Sources beyond the local ones (registry, docker daemon), supplied by the adapters. */
  sources?: ImageSource[];
  /** Persistent layer-index cache; a per-run memory cache is always used. */
  cache?: LayerIndexCache;
  concurrency?: number;
  limits?: Omit<ReadLayerOptions, 'signal'>;
  /** Every cataloger of the run (default: the built-in ones). */
  catalogers?: readonly Cataloger[];
  /**
   * What the layer reader keeps; default: the files `catalogers` ask for. A persistent `cache` must be
   * keyed by this same spec (the core builds both from one).
   */
  capture?: CaptureSpec;
  signal?: AbortSignal;
  onPhase?: (phase: ScanPhase, detail: string) => void;
  onLayer?: (progress: LayerProgress) => void;
}

export interface CompareResult {
  before?: Inventory;
  after: Inventory;
  changes: Changes;
}

function indexer(options: ScanOptions): LayerIndexer {
  return new LayerIndexer({
    spec: options.capture ?? defaultCaptureSpec({ catalogers: options.catalogers ?? defaultCatalogers }),
    cache: options.cache ?? new MemoryLayerIndexCache(),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.maxCaptureTotalBytes !== undefined
      ? { maxCaptureTotalBytes: options.maxCaptureTotalBytes }
      : {}),
    ...(options.limits ? { read: options.limits } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLayer ? { onLayer: options.onLayer } : {}),
  });
}

function open(reference: string, platform: Platform | undefined, options: ScanOptions): Promise<Image> {
  return openImage(reference, {
    ...(platform ? { platform } : {}),
    ...(options.sources ? { extraSources: options.sources } : {}),
  });
}

/** One image's inventory. */
export async function inspectImage(reference: string, options: ScanOptions = {}): Promise<Inventory> {
  options.onPhase?.('open', reference);
  const image = await open(reference, options.platform, options);
  try {
    options.onPhase?.('layers', `${image.layers.length} layers`);
    const layers = indexer(options);
    const [indexes] = await layers.indexImages([image]);
    collectGarbage();
    options.onPhase?.('catalog', reference);
    return await buildInventory(image, indexes ?? [], options.catalogers ?? defaultCatalogers, (l, spec) =>
      layers.reread(l, spec),
    );
  } finally {
    await image.close();
  }
}

/**
 * Compare the previous image (undefined for a first release) with the new one. Every distinct
 * layer of both is read once, the two images' layers concurrently.
 */
export async function compareImages(
  previous: string | undefined,
  current: string,
  diff: DiffOptions,
  options: ScanOptions = {},
): Promise<CompareResult> {
  options.onPhase?.('open', current);
  const after = await open(current, options.platform, options);
  let before: Image | undefined;
  try {
    if (previous !== undefined) {
      options.onPhase?.('open', previous);
      before = await openPrevious(previous, after.platform, options);
    }
    const images = before ? [before, after] : [after];
    options.onPhase?.(
      'layers',
      `${new Set(images.flatMap((i) => i.layers.map((l) => l.diffID))).size} distinct layers`,
    );
    const layers = indexer(options);
    const reread: LayerRereader = (l, spec) => layers.reread(l, spec);
    const indexes = await layers.indexImages(images);
    collectGarbage();
    options.onPhase?.('catalog', 'packages and file ownership');
    const catalogers = options.catalogers ?? defaultCatalogers;
    let afterIndexes = indexes[indexes.length - 1] ?? [];
    const beforeInv = before ? await buildInventory(before, indexes[0] ?? [], catalogers, reread) : undefined;
    // Let the previous image's own layer entries go before the new tree is built (peak memory).
    indexes.length = 0;
    const afterInv = await buildInventory(after, afterIndexes, catalogers, reread);
    afterIndexes = []; // the inventory holds what the diff needs; let the layers' columns go
    options.onPhase?.('diff', 'changes');
    const changes = diffInventories(beforeInv, afterInv, diff);
    return { ...(beforeInv ? { before: beforeInv } : {}), after: afterInv, changes };
  } finally {
    await before?.close();
    await after.close();
  }
}

/** The previous image on the new image's platform when it has one, else on its own (reported as a platform change). */
async function openPrevious(reference: string, platform: Platform, options: ScanOptions): Promise<Image> {
  if (options.previousPlatform) return open(reference, options.previousPlatform, options);
  if (options.platform) return open(reference, options.platform, options);
  try {
    return await open(reference, platform, options);
  } catch (err) {
    if (isImageChangelogError(err) && err.code === 'PLATFORM_NOT_FOUND')
      return open(reference, undefined, options);
    throw err;
  }
}
