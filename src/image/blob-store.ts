import type { Readable } from 'node:stream';
import { ImageChangelogError, type ErrorCode } from '../util/errors.js';
import type { Descriptor } from '../oci/types.js';

/**
 * Where an OCI image layout's files live: a directory or an oci-archive tar. The layout logic
 * (index.json, tags, platforms, manifests) is written once over this.
 */
export interface BlobStore {
  /** The directory or archive, for messages. */
  readonly location: string;
  /** A file of the layout root (`oci-layout`, `index.json`), undefined when absent; refused over `maxBytes`. */
  readFile(name: string, maxBytes: number): Promise<Buffer | undefined>;
  /** The stored size of a blob, undefined when absent. `digest` is a validated sha256 digest. */
  blobSize(digest: string): Promise<number | undefined>;
  /** The bytes of a blob; refused over `maxBytes` before reading. */
  readBlob(digest: string, maxBytes: number): Promise<Buffer>;
  /** A fresh stream of a blob. */
  openBlob(digest: string): Promise<Readable>;
  close(): Promise<void>;
}

/** The path of a blob inside a layout (`blobs/sha256/<hex>`); digests are validated before this. */
export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

export function blobNotFound(store: BlobStore, digest: string): ImageChangelogError {
  return new ImageChangelogError(
    'BLOB_NOT_FOUND',
    `${store.location}: blob ${digest} is missing (${blobPath(digest)})`,
    { subject: digest },
  );
}

/**
 * Read a small blob (manifest, index, config) that a descriptor points at, refusing it before
 * reading when the descriptor or the stored file is over `maxBytes`. Digests are checked by the parser.
 */
export async function readDescribedBlob(
  store: BlobStore,
  descriptor: Descriptor,
  maxBytes: number,
  tooLargeCode: ErrorCode,
): Promise<Buffer> {
  const subject = `${store.location} ${descriptor.digest}`;
  if (descriptor.size > maxBytes) {
    throw new ImageChangelogError(
      tooLargeCode,
      `${subject}: ${descriptor.size} bytes is over the ${maxBytes}-byte limit`,
      { subject: descriptor.digest },
    );
  }
  return store.readBlob(descriptor.digest, maxBytes);
}
