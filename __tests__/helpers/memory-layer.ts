import { execFileSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Layer } from '../../src/image/types.js';
import { digestOf, gzip, streamOf } from './tar.js';

export type LayerCompression = 'gzip' | 'zstd' | 'none';

export interface MemoryLayerOptions {
  /** How the stored blob is compressed (default 'gzip'). */
  compress?: LayerCompression;
  /** Override the digest / diffID the layer claims (to test mismatches). */
  digest?: string;
  diffID?: string;
  /** Chunk size of the stream `open()` returns (default: odd-sized chunks from streamOf). */
  chunkSize?: number;
}

/** A test layer with its stored bytes at hand, so tests can inspect or damage them. */
export interface MemoryLayer extends Layer {
  stored: Buffer;
  /** How many times open() was called. */
  opened: number;
}

/** zstd-compress with the real `zstd` CLI (present on the test machine). */
export function zstd(buf: Buffer, level = 3): Buffer {
  return execFileSync('zstd', [`-${level}`, '-q', '-c', '-'], { input: buf, maxBuffer: 1 << 30 });
}

export function compress(tarBytes: Buffer, kind: LayerCompression): Buffer {
  if (kind === 'gzip') return gzip(tarBytes);
  if (kind === 'zstd') return zstd(tarBytes);
  return tarBytes;
}

const MEDIA_TYPES: Record<LayerCompression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

/** A Layer over a tar held in memory: digest and diffID are computed unless overridden. */
export function memoryLayer(tarBytes: Buffer, options: MemoryLayerOptions = {}): MemoryLayer {
  const kind = options.compress ?? 'gzip';
  const stored = compress(tarBytes, kind);
  return storedLayer(stored, {
    digest: options.digest ?? digestOf(stored),
    diffID: options.diffID ?? digestOf(tarBytes),
    mediaType: MEDIA_TYPES[kind],
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
  });
}

/** A Layer over stored bytes as given (possibly damaged), claiming the digests given. */
export function storedLayer(
  stored: Buffer,
  claims: { digest: string; diffID: string; mediaType?: string; chunkSize?: number },
): MemoryLayer {
  const layer: MemoryLayer = {
    stored,
    opened: 0,
    digest: claims.digest,
    diffID: claims.diffID,
    size: stored.length,
    mediaType: claims.mediaType ?? MEDIA_TYPES.none,
    open(): Promise<Readable> {
      layer.opened++;
      return Promise.resolve(streamOf(stored, claims.chunkSize));
    },
  };
  return layer;
}
