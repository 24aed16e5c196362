import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Layer } from '../../src/image/types.js';
import { rawData, rawFile, rawHeader, type RawHeader } from '../helpers/raw-tar.js';
import { digestOf } from '../helpers/tar.js';
import { storedLayer, type MemoryLayer } from '../helpers/memory-layer.js';

/**
 * Byte-level builders for hostile tars that no honest packer writes: PAX records of any content,
 * header fields patched after the fact (with a correct or a wrong checksum), and endless streams.
 */

export const BLOCK = 512;
export const ZERO_DIGEST = `sha256:${'0'.repeat(64)}`;
export const OTHER_DIGEST = `sha256:${'1'.repeat(64)}`;

/** One PAX record, `LEN key=value\n`, where LEN counts its own digits too. */
function paxRecord(key: string, value: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

export function paxData(records: Record<string, string | Buffer>): Buffer {
  return Buffer.concat(Object.entries(records).map(([key, value]) => paxRecord(key, value)));
}

/** A PAX extended header (raw record bytes given) followed by the entry it applies to. */
export function paxEntry(pax: Buffer, real: RawHeader, content: Buffer | string = ''): Buffer {
  return Buffer.concat([
    rawHeader({ name: 'PaxHeader/x', typeflag: 'x', size: pax.length }),
    rawData(pax),
    rawHeader(real),
    rawData(content),
  ]);
}

/** Store a correct checksum for a header block whose fields were patched. */
export function resum(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** A copy of `header` with `bytes` written at `offset`, checksum recomputed (so only the field lies). */
export function patched(header: Buffer, offset: number, bytes: Buffer | string): Buffer {
  const block = Buffer.from(header);
  Buffer.from(bytes as string, 'latin1').copy(block, offset);
  return resum(block);
}

/** Header field offsets (ustar). */
export const FIELD = { mode: 100, uid: 108, size: 124, checksum: 148, typeflag: 156 } as const;

export { rawData, rawFile, rawHeader };

/** A layer over `bytes` stored as they are (no compression), with honest digest and diffID. */
export function plainLayer(bytes: Buffer): MemoryLayer {
  return storedLayer(bytes, { digest: digestOf(bytes), diffID: digestOf(bytes) });
}

/**
 * A gzip layer whose tar is `head` followed by `zeroBytes` zeros, compressed on the fly in 1 MiB
 * chunks: nothing of the expanded size is ever held in memory. Zeros read as end-of-archive blocks.
 */
export function streamedZeroBomb(head: Buffer, zeroBytes: number): Layer {
  return {
    digest: ZERO_DIGEST,
    diffID: OTHER_DIGEST,
    size: -1,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    open: () => {
      const chunk = Buffer.alloc(1024 * 1024);
      const tarStream = Readable.from(
        (function* () {
          yield head;
          for (let left = zeroBytes; left > 0; left -= chunk.length) {
            yield left >= chunk.length ? chunk : chunk.subarray(0, left);
          }
        })(),
      );
      return Promise.resolve(tarStream.pipe(createGzip({ level: 1 })));
    },
  };
}

/** A file header whose declared size is one huge entry; its data is `dataBytes` zeros, streamed. */
export function hugeEntryHeader(name: string, size: number): Buffer {
  return rawHeader({ name, typeflag: '0', size });
}
