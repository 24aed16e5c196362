import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FILE_READ_CHUNK_BYTES } from '../util/read-chunks.js';
import { ImageChangelogError, type ErrorCode } from '../util/errors.js';
import type { Image, ImageSource, LocalSourceOptions, OpenImageOptions } from './types.js';
import { blobNotFound, blobPath, type BlobStore } from './blob-store.js';
import { openLayoutImage } from './layout-image.js';
import { splitLocalReference } from './local-reference.js';

/** Read at most `maxBytes` of a file; undefined when it does not exist. */
async function readCapped(
  path: string,
  maxBytes: number,
  subject: string,
  tooLargeCode: ErrorCode,
): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ImageChangelogError(
      'IMAGE_NOT_FOUND',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        subject: path,
      },
    );
  }
  try {
    const size = (await handle.stat()).size;
    if (size > maxBytes)
      throw new ImageChangelogError(
        tooLargeCode,
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
export class DirectoryBlobStore implements BlobStore {
  constructor(readonly location: string) {}

  readFile(name: string, maxBytes: number): Promise<Buffer | undefined> {
    return readCapped(join(this.location, name), maxBytes, `${this.location} ${name}`, 'MANIFEST_TOO_LARGE');
  }

  async blobSize(digest: string): Promise<number | undefined> {
    try {
      const s = await stat(join(this.location, blobPath(digest)));
      return s.isFile() ? s.size : undefined;
    } catch {
      return undefined;
    }
  }

  async readBlob(digest: string, maxBytes: number): Promise<Buffer> {
    const bytes = await readCapped(
      join(this.location, blobPath(digest)),
      maxBytes,
      `${this.location} ${digest}`,
      'MANIFEST_TOO_LARGE',
    );
    if (!bytes) throw blobNotFound(this, digest);
    return bytes;
  }

  async openBlob(digest: string): Promise<Readable> {
    const path = join(this.location, blobPath(digest));
    if ((await this.blobSize(digest)) === undefined) throw blobNotFound(this, digest);
    return createReadStream(path, { highWaterMark: FILE_READ_CHUNK_BYTES });
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
    const { path, selector } = await splitLocalReference(reference.replace(/^oci:/, ''));
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
        { subject: reference },
      );
    }
    return openLayoutImage(new DirectoryBlobStore(path), {
      ...options,
      reference,
      transport: 'oci',
      ...(selector !== undefined ? { tag: selector } : {}),
      ...(this.sourceOptions.host ? { host: this.sourceOptions.host } : {}),
    });
  }
}
