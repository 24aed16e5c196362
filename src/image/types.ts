import type { Readable } from 'node:stream';
import type { ImageConfig, Manifest, Platform } from '../oci/types.js';

/**
 * One layer of an image. `open()` returns the blob's bytes exactly as stored (compressed or not);
 * each call opens a fresh stream, so a layer can be read again. The reader verifies the bytes
 * against `digest` and the uncompressed tar against `diffID`.
 */
export interface Layer {
  /** Digest of the stored blob (for an uncompressed docker-archive layer this equals diffID). */
  readonly digest: string;
  /** Digest of the uncompressed tar, from the config's rootfs.diff_ids. */
  readonly diffID: string;
  /** Stored size in bytes (-1 when the source does not know it). */
  readonly size: number;
  readonly mediaType: string;
  open(): Promise<Readable>;
}

/** An image, whichever source it came from, as the resolver hands it out: read-only. */
export interface Image {
  /** The reference the user gave, as given. */
  readonly reference: string;
  /** Digest of the image manifest (sha256:...). */
  readonly manifestDigest: string;
  /** Digest of the index the manifest was chosen from, when there was one. */
  readonly indexDigest?: string;
  /** Platforms offered by the index (empty for a single-manifest image). */
  readonly availablePlatforms: readonly Platform[];
  readonly platform: Platform;
  readonly manifest: Manifest;
  readonly configDigest: string;
  readonly config: ImageConfig;
  readonly layers: readonly Layer[];
  /** Release resources (open files, temporary state). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenImageOptions {
  /** Wanted platform; default: the only one, else the host's. */
  platform?: Platform;
}

export interface LocalSourceOptions {
  /** The platform used when none is asked for and an index offers several (default: this machine's). */
  host?: Platform;
}

/** A transport that can open images: oci layout, oci-archive, docker-archive, registry, daemon. */
export interface ImageSource {
  readonly transport: string;
  open(reference: string, options: OpenImageOptions): Promise<Image>;
}
