import type { Readable } from 'node:stream';
import type { Image, LocalSourceOptions, OpenImageOptions } from './types.js';
import { blobNotFound, blobPath, type BlobStore } from './blob-store.js';
import { openLayoutImage } from './layout-image.js';
import { ArchiveSource } from './local-reference.js';
import { TarFile } from './tar-file.js';

/** An OCI image layout inside a tar file, read in place. */
export class TarBlobStore implements BlobStore {
  readonly location: string;

  constructor(private readonly tar: TarFile) {
    this.location = tar.path;
  }

  readFile(name: string, maxBytes: number): Promise<Buffer | undefined> {
    if (!this.tar.has(name)) return Promise.resolve(undefined);
    return this.tar.readMember(name, maxBytes);
  }

  blobSize(digest: string): Promise<number | undefined> {
    return Promise.resolve(this.tar.member(blobPath(digest))?.size);
  }

  readBlob(digest: string, maxBytes: number): Promise<Buffer> {
    if (!this.tar.has(blobPath(digest))) return Promise.reject(blobNotFound(this, digest));
    return this.tar.readMember(blobPath(digest), maxBytes);
  }

  openBlob(digest: string): Promise<Readable> {
    if (!this.tar.has(blobPath(digest))) return Promise.reject(blobNotFound(this, digest));
    return Promise.resolve(this.tar.openMember(blobPath(digest)));
  }

  close(): Promise<void> {
    return this.tar.close();
  }
}

/** Open an image from an already scanned oci-archive (auto-detection scans once). */
export async function openOciArchiveTar(
  tar: TarFile,
  reference: string,
  tag: string | undefined,
  options: OpenImageOptions & LocalSourceOptions,
): Promise<Image> {
  const store = new TarBlobStore(tar);
  try {
    return await openLayoutImage(store, {
      ...options,
      reference,
      transport: 'oci-archive',
      ...(tag !== undefined ? { tag } : {}),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** `oci-archive:PATH[:TAG]`: an OCI image layout in a tar file. */
export class OciArchiveSource extends ArchiveSource {
  constructor(sourceOptions: LocalSourceOptions = {}) {
    super('oci-archive', openOciArchiveTar, sourceOptions);
  }
}
