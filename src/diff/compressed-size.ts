import type { ImageSummary } from '../catalog/types.js';

type Storage = NonNullable<ImageSummary['layers'][number]['compression']>;

const STORAGE_WORDS: Record<Storage, string> = {
  gzip: 'gzip',
  zstd: 'zstd',
  none: 'uncompressed (as a docker-archive stores them)',
};

/**
 * How an image stores its layers: one word when every layer is stored the same way, the kinds joined
 * by `+` when they differ, undefined when a layer's storage is unknown (a summary from before layers
 * recorded it).
 */
export function layerStorage(summary: ImageSummary): string | undefined {
  const kinds = new Set<Storage>();
  for (const l of summary.layers) {
    if (l.compression === undefined) return undefined;
    kinds.add(l.compression);
  }
  return kinds.size === 0 ? undefined : [...kinds].sort().join('+');
}

function words(storage: string): string {
  return storage
    .split('+')
    .map((k) => STORAGE_WORDS[k as Storage] ?? k)
    .join(' and ');
}

/**
 * Whether the two compressed sizes say anything about each other: only when both images store their
 * layers the same way. A docker-archive (uncompressed layers) against a gzip image would read "+327%"
 * for the same content. When they cannot be compared, `why` says so in our own words.
 */
export function compareCompressedSizes(
  before: ImageSummary,
  after: ImageSummary,
): { comparable: true } | { comparable: false; why: string } {
  const b = layerStorage(before);
  const a = layerStorage(after);
  if (b === undefined || a === undefined || b === a) return { comparable: true };
  return {
    comparable: false,
    why: `not compared: the previous image stores its layers ${words(b)}, the new one ${words(a)}`,
  };
}
