import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/types.js';
import { ArchiveSource } from './archive-source.js';
import { openLayoutImage, type LayoutStore } from './layout-image.js';
import { blobNotFound, blobPath } from './store.js';
import type { TarFile } from './tar-file.js';
import type { Image, LocalSourceOptions, OpenImageOptions } from './types.js';

/** An OCI image layout inside a tar file, read in place. */
export class TarLayoutStore implements LayoutStore {
  readonly location: string;

  constructor(private readonly tar: TarFile) {
    this.location = tar.path;
  }

  readFile(name: string, maxBytes: number): Promise<Buffer | undefined> {
    if (!this.tar.has(name)) return Promise.resolve(undefined);
    return this.tar.readMember(name, maxBytes);
  }

  read(descriptor: Descriptor, _kind: 'manifest' | 'blob', maxBytes: number): Promise<Buffer> {
    const path = blobPath(descriptor.digest);
    if (!this.tar.has(path)) return Promise.reject(blobNotFound(this.location, descriptor.digest));
    return this.tar.readMember(path, maxBytes);
  }

  open(descriptor: Descriptor): Promise<Readable> {
    const path = blobPath(descriptor.digest);
    if (!this.tar.has(path)) return Promise.reject(blobNotFound(this.location, descriptor.digest));
    return Promise.resolve(this.tar.openMember(path));
  }

  close(): Promise<void> {
    return this.tar.close();
  }
}

/** Open an image from an already scanned oci-archive (auto-detection scans once); the tar closes with the image. */
export function openOciArchiveTar(
  tar: TarFile,
  reference: string,
  tag: string | undefined,
  options: OpenImageOptions & LocalSourceOptions,
): Promise<Image> {
  return openLayoutImage(new TarLayoutStore(tar), {
    reference,
    transport: 'oci-archive',
    ...(tag !== undefined ? { tag } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
}

/** `oci-archive:PATH[:TAG]`: an OCI image layout in a tar file. */
export class OciArchiveSource extends ArchiveSource {
  constructor(sourceOptions: LocalSourceOptions = {}) {
    super('oci-archive', openOciArchiveTar, sourceOptions);
  }
}
