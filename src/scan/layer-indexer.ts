import type { Image, Layer } from '../image/types.js';
import type { CaptureSpec, LayerIndex } from '../layers/types.js';
import { CaptureBudget } from '../layers/capture-budget.js';
import { readLayer, type ReadLayerOptions } from '../layers/read-layer.js';
import type { LayerIndexCache } from '../cache/layer-index-cache.js';
import { ConcurrencyLimiter } from '../util/limit.js';

export interface LayerProgress {
  /** Layers known so far, and how many are indexed (read or taken from the cache). */
  total: number;
  done: number;
  cached: number;
  /** The layer that just finished. */
  diffID: string;
}

export interface LayerIndexerOptions {
  spec: CaptureSpec;
  cache?: LayerIndexCache;
  /** Layers read at once. Decompression runs on libuv's thread pool, hashing and tar parsing here. */
  concurrency?: number;
  read?: Omit<ReadLayerOptions, 'signal'>;
  signal?: AbortSignal;
  onLayer?: (progress: LayerProgress) => void;
  /** Captured contents all layers of the run may keep (default DEFAULT_MAX_CAPTURE_TOTAL_BYTES). */
  maxCaptureTotalBytes?: number;
}

/**
 * Reads each distinct layer once per run, whichever image it belongs to: keyed by diffID, looked up
 * in the cache first, and read at most `concurrency` at a time.
 */
export class LayerIndexer {
  private readonly inflight = new Map<string, Promise<LayerIndex>>();
  private readonly limiter: ConcurrencyLimiter;
  private done = 0;
  private cached = 0;
  private readonly budget: CaptureBudget;

  constructor(private readonly options: LayerIndexerOptions) {
    this.limiter = new ConcurrencyLimiter(options.concurrency ?? 3);
    this.budget = new CaptureBudget(options.maxCaptureTotalBytes);
  }

  /** The index of one layer (shared with any other request for the same diffID). */
  index(layer: Layer): Promise<LayerIndex> {
    let p = this.inflight.get(layer.diffID);
    if (!p) {
      p = this.load(layer);
      this.inflight.set(layer.diffID, p);
    }
    return p;
  }

  /** Indexes of all layers of the images, in each image's layer order. */
  async indexImages(images: Image[]): Promise<LayerIndex[][]> {
    // Start every distinct layer before awaiting any, so both images' layers share the pool.
    const all = images.map((img) => img.layers.map((l) => this.index(l)));
    return Promise.all(all.map((ps) => Promise.all(ps)));
  }

  private async load(layer: Layer): Promise<LayerIndex> {
    const { cache, spec, signal } = this.options;
    const hit = cache ? await cache.get(layer.diffID) : undefined;
    // A cached index's captured files count against the run's budget as read ones do: layers cached
    // by separate runs can together hold more than one run may keep. One that does not fit is read
    // again, so the budget decides file by file (and says which files it left out).
    if (hit && this.budget.take(capturedBytes(hit))) {
      this.cached++;
      this.report(layer.diffID);
      return hit;
    }
    const index = await this.limiter.run(() =>
      readLayer(layer, spec, {
        ...this.options.read,
        captureBudget: this.budget,
        ...(signal ? { signal } : {}),
      }),
    );
    // An index that lost captures to this run's budget is not what the spec asks for: not kept.
    if (cache && !index.warnings.some((w) => w.code === 'CAPTURE_BUDGET_EXCEEDED')) await cache.put(index);
    this.report(layer.diffID);
    return index;
  }

  /** Read a layer again with another capture spec (not cached), under the same limits and pool. */
  reread(layer: Layer, spec: CaptureSpec): Promise<LayerIndex> {
    const { signal } = this.options;
    return this.limiter.run(() =>
      readLayer(layer, spec, { ...this.options.read, ...(signal ? { signal } : {}) }),
    );
  }

  private report(diffID: string): void {
    this.done++;
    this.options.onLayer?.({ total: this.inflight.size, done: this.done, cached: this.cached, diffID });
  }
}

function capturedBytes(index: LayerIndex): number {
  let bytes = 0;
  for (const content of index.captured.values()) bytes += content.byteLength;
  return bytes;
}
