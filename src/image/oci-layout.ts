import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FILE_READ_CHUNK_BYTES } from '../util/read-chunks.js';
import { ImageChangelogError } from '../util/errors.js';
import type { Descriptor } from '../oci/types.js';
import { openLayoutImage, type LayoutStore } from './layout-image.js';
import { localReference } from './source-reference.js';
import { blobNotFound, blobPath } from './store.js';
import type { Image, ImageSource, LocalSourceOptions, OpenImageOptions } from './types.js';

/**
 * Open a file that must be a regular file, or undefined when it does not exist. Opened without
 * blocking, so a FIFO or a device in its place is refused instead of hanging the open.
 */
export async function openRegularFile(path: string, subject: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ImageChangelogError(
      'IMAGE_NOT_FOUND',
      `cannot read ${path}: ${code ?? (err as Error).message}`,
      {
        subject: path,
      },
    );
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new ImageChangelogError('IMAGE_NOT_FOUND', `${subject} is not a regular file`, {
      subject: path,
      hint: 'an image layout holds only regular files',
    });
  }
  return handle;
}

/** Read at most `maxBytes` of a regular file; undefined when it does not exist. */
async function readCapped(path: string, maxBytes: number, subject: string): Promise<Buffer | undefined> {
  const handle = await openRegularFile(path, subject);
  if (!handle) return undefined;
  try {
    const size = (await handle.stat()).size;
    if (size > maxBytes)
      throw new ImageChangelogError(
        'MANIFEST_TOO_LARGE',
        `${subject}: ${size} bytes is over the ${maxBytes}-byte limit`,
        { subject },
      );
    const buf = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** An OCI image layout directory. */
export class DirectoryStore implements LayoutStore {
  constructor(readonly location: string) {}

  readFile(name: string, maxBytes: number): Promise<Buffer | undefined> {
    return readCapped(join(this.location, name), maxBytes, `${this.location} ${name}`);
  }

  async read(descriptor: Descriptor, _kind: 'manifest' | 'blob', maxBytes: number): Promise<Buffer> {
    const { digest } = descriptor;
    const bytes = await readCapped(
      join(this.location, blobPath(digest)),
      maxBytes,
      `${this.location} ${digest}`,
    );
    if (!bytes) throw blobNotFound(this.location, digest);
    return bytes;
  }

  async open(descriptor: Descriptor): Promise<Readable> {
    const { digest } = descriptor;
    const path = join(this.location, blobPath(digest));
    const handle = await openRegularFile(path, `${this.location} ${digest}`);
    if (!handle) throw blobNotFound(this.location, digest);
    // The stream owns the checked handle: what is read is the regular file that was checked.
    return handle.createReadStream({ highWaterMark: FILE_READ_CHUNK_BYTES });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** `oci:PATH[:TAG]`: an OCI image layout directory. */
export class OciLayoutSource implements ImageSource {
  readonly transport = 'oci';

  constructor(private readonly sourceOptions: LocalSourceOptions = {}) {}

  async open(reference: string, options: OpenImageOptions): Promise<Image> {
    const { path, selector } = await localReference('oci', reference);
    return openLayoutDirectory(path, selector, reference, { ...options, ...this.sourceOptions });
  }
}

/** Open the image `tag` names (or the only one) in the layout directory at `path`. */
export async function openLayoutDirectory(
  path: string,
  tag: string | undefined,
  reference: string,
  options: OpenImageOptions & LocalSourceOptions,
): Promise<Image> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new ImageChangelogError('IMAGE_NOT_FOUND', `no OCI layout directory at ${path}`, {
      subject: reference,
    });
  }
  if (!isDir) {
    throw new ImageChangelogError(
      'IMAGE_NOT_FOUND',
      `${path} is not a directory; an archive needs oci-archive:${path}`,
      {
        subject: reference,
      },
    );
  }
  return openLayoutImage(new DirectoryStore(path), {
    reference,
    transport: 'oci',
    ...(tag !== undefined ? { tag } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
}
