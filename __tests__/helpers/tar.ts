import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tar, { type Header } from 'tar-stream';

/** A tar entry for building test layers in memory. */
export interface TarSpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  pax?: Record<string, string>;
  devmajor?: number;
  devminor?: number;
}

/** Build an uncompressed tar in memory with tar-stream (PAX headers for long names, as GNU tar would). */
export async function makeTar(entries: TarSpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? (e.content !== undefined ? 'file' : 'directory');
    const content = e.content === undefined ? undefined : Buffer.from(e.content);
    const header: Partial<Header> & { name: string } = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: new Date(1_700_000_000_000),
      size: content?.length ?? 0,
    };
    if (e.linkname !== undefined) header.linkname = e.linkname;
    if (e.pax) header.pax = e.pax;
    if (e.devmajor !== undefined) header.devmajor = e.devmajor;
    if (e.devminor !== undefined) header.devminor = e.devminor;
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (content) pack.entry(header, content, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function sha256(buf: Buffer | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

export function digestOf(buf: Buffer): string {
  return `sha256:${sha256(buf)}`;
}

export function gzip(buf: Buffer): Buffer {
  return gzipSync(buf);
}

export function streamOf(buf: Buffer, chunkSize = 7919): Readable {
  // Odd chunk sizes shake out bugs at chunk boundaries.
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, i + chunkSize);
    })(),
  );
}
