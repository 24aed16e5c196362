import type { Readable } from 'node:stream';
import type { ManifestOrIndex } from '../oci/documents.js';
import type { Descriptor } from '../oci/types.js';
import { ImageChangelogError } from '../util/errors.js';

/**
 * Where an image's content lives: a layout directory, an archive (oci-archive, docker-archive, a
 * daemon export), a registry. A store only hands out bytes; the resolver (resolve.ts) decides what
 * to read, verifies it and picks the platform, the same way for every store.
 */
export interface ImageStore {
  /** The directory, archive or repository, for messages. */
  readonly location: string;
  /**
   * The bytes a descriptor names, refused over `maxBytes` before reading. `manifest` for manifests
   * and indexes, `blob` for configs (a registry serves the two from different endpoints). The
   * resolver verifies digest and size.
   */
  read(descriptor: Descriptor, kind: 'manifest' | 'blob', maxBytes: number): Promise<Buffer>;
  /** A fresh stream of a layer blob, exactly as stored (the layer reader verifies it). */
  open(descriptor: Descriptor): Promise<Readable>;
  /** Release what the store holds open. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Where the resolver starts: a descriptor to read from the store, bytes the source already fetched
 * (a registry's manifest by tag), or a document it already holds (a layout's index.json, the
 * manifest of a `docker save` archive); `digest` is absent only for index.json, which has none.
 */
export type ImageRoot =
  | { descriptor: Descriptor }
  | { bytes: Buffer; digest: string; mediaType?: string }
  | { document: ManifestOrIndex; digest?: string };

/** The path of a blob inside a layout (`blobs/sha256/<hex>`); digests are validated before this. */
export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

export function blobNotFound(location: string, digest: string): ImageChangelogError {
  return new ImageChangelogError(
    'BLOB_NOT_FOUND',
    `${location}: blob ${digest} is missing (${blobPath(digest)})`,
    { subject: digest },
  );
}
