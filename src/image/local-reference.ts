import { stat } from 'node:fs/promises';
import type { Image, ImageSource, LocalSourceOptions, OpenImageOptions } from './types.js';
import { TarFile } from './tar-file.js';

export interface LocalReference {
  path: string;
  /** What follows the path: a tag (oci, oci-archive) or a name / `@index` (docker-archive). */
  selector?: string;
}

/** True when something (file, directory, anything) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Split `PATH[:SELECTOR]` (after the transport prefix). skopeo splits at the first colon; we do
 * too, except that a path containing colons is recognised when that prefix exists on disk.
 */
export async function splitLocalReference(rest: string): Promise<LocalReference> {
  if (await pathExists(rest)) return { path: rest };
  let firstColon = -1;
  for (let i = rest.indexOf(':'); i !== -1; i = rest.indexOf(':', i + 1)) {
    if (i === 0) continue;
    if (firstColon === -1) firstColon = i;
    if (await pathExists(rest.slice(0, i))) return withSelector(rest.slice(0, i), rest.slice(i + 1));
  }
  return firstColon === -1
    ? { path: rest }
    : withSelector(rest.slice(0, firstColon), rest.slice(firstColon + 1));
}

function withSelector(path: string, selector: string): LocalReference {
  return selector === '' ? { path } : { path, selector };
}

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
    readonly transport: string,
    private readonly openArchive: ArchiveOpener,
    private readonly sourceOptions: LocalSourceOptions = {},
  ) {}

  async open(reference: string, options: OpenImageOptions): Promise<Image> {
    const rest = reference.startsWith(`${this.transport}:`)
      ? reference.slice(this.transport.length + 1)
      : reference;
    const { path, selector } = await splitLocalReference(rest);
    const tar = await TarFile.open(path);
    return this.openArchive(tar, reference, selector, { ...options, ...this.sourceOptions });
  }
}
