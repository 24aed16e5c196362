import { localReference } from './source-reference.js';
import { TarFile } from './tar-file.js';
import type { Image, ImageSource, LocalSourceOptions, OpenImageOptions } from './types.js';

/** Opens an image from an already opened archive; the archive is closed with the image (or on failure). */
export type ArchiveOpener = (
  tar: TarFile,
  reference: string,
  selector: string | undefined,
  options: OpenImageOptions & LocalSourceOptions,
) => Promise<Image>;

/** `TRANSPORT:PATH[:SELECTOR]` for an image archive read in place (oci-archive, docker-archive). */
export class ArchiveSource implements ImageSource {
  constructor(
    readonly transport: 'oci-archive' | 'docker-archive',
    private readonly openArchive: ArchiveOpener,
    private readonly sourceOptions: LocalSourceOptions = {},
  ) {}

  async open(reference: string, options: OpenImageOptions): Promise<Image> {
    const { path, selector } = await localReference(this.transport, reference);
    const tar = await TarFile.open(path);
    return this.openArchive(tar, reference, selector, { ...options, ...this.sourceOptions });
  }
}
