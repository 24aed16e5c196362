import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { Layer } from '../../src/image/types.js';
import { compress, memoryLayer, storedLayer } from '../helpers/memory-layer.js';
import { END_OF_ARCHIVE, rawTar } from '../helpers/raw-tar.js';
import { digestOf, sha256 } from '../helpers/tar.js';
import { paths, type LayerCase } from './corpus-runner.js';
import {
  BLOCK,
  FIELD,
  hugeEntryHeader,
  OTHER_DIGEST,
  patched,
  plainLayer,
  rawFile,
  rawHeader,
  streamedZeroBomb,
  ZERO_DIGEST,
} from './hostile-tar.js';

/** Three files, the second large enough to span many blocks and chunks. */
function sampleTar(): Buffer {
  return rawTar(
    rawFile('etc/a', 'a'.repeat(700)),
    rawFile('etc/b', Buffer.alloc(100_000, 7)),
    rawFile('etc/c', 'c'),
  );
}

/** A layer over `stored` bytes whose digest is honest and whose diffID is that of `tar`. */
function damaged(stored: Buffer, tar: Buffer): Layer {
  return storedLayer(stored, { digest: digestOf(stored), diffID: digestOf(tar) });
}

const MiB = 1024 * 1024;

/** Compression, tar framing, bombs, digests and entry counts. */
export const streamCases: LayerCase[] = [
  {
    name: 'gzip blob cut at 60%',
    build: () => {
      const tar = sampleTar();
      return damaged(compress(tar, 'gzip').subarray(0, Math.floor(compress(tar, 'gzip').length * 0.6)), tar);
    },
    expect: { error: 'LAYER_CORRUPT', message: /gzip data: unexpected end of file/ },
  },
  {
    name: 'gzip blob missing only its 8-byte trailer (CRC and length)',
    build: () => {
      const tar = sampleTar();
      const full = compress(tar, 'gzip');
      return damaged(full.subarray(0, full.length - 8), tar);
    },
    expect: { error: 'LAYER_CORRUPT', message: 'gzip data' },
  },
  {
    name: 'gzip blob with a damaged CRC',
    build: () => {
      const tar = sampleTar();
      const bad = Buffer.from(compress(tar, 'gzip'));
      bad[bad.length - 6]! ^= 0xff;
      return damaged(bad, tar);
    },
    expect: { error: 'LAYER_CORRUPT', message: /gzip data: incorrect data check/ },
  },
  {
    name: 'zstd blob cut at 60%',
    build: () => {
      const tar = sampleTar();
      const full = compress(tar, 'zstd');
      return damaged(full.subarray(0, Math.floor(full.length * 0.6)), tar);
    },
    expect: { error: 'LAYER_CORRUPT', message: /zstd data: .*unexpected end/ },
  },
  {
    name: 'zstd blob of only its 4 magic bytes',
    build: () => damaged(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), sampleTar()),
    expect: { error: 'LAYER_CORRUPT', message: 'zstd data' },
  },
  {
    name: 'gzip blob of only its 2 magic bytes',
    build: () => damaged(Buffer.from([0x1f, 0x8b]), sampleTar()),
    expect: { error: 'LAYER_CORRUPT', message: 'gzip data' },
  },
  {
    name: 'tar cut in the middle of a header',
    build: () => memoryLayer(sampleTar().subarray(0, BLOCK * 3 + 100)),
    expect: {
      error: 'LAYER_CORRUPT',
      message: 'tar: the tar ends inside the header at byte 1536 (truncated)',
    },
  },
  {
    name: 'tar cut in the middle of a file’s content',
    build: () => memoryLayer(sampleTar().subarray(0, BLOCK * 4 + 3000)),
    expect: {
      error: 'LAYER_CORRUPT',
      message: /tar: the tar ends inside the content of entry ".*" \(header at byte 1536\)/,
    },
  },
  {
    // Go's archive/tar (Docker, containerd) also takes a clean EOF at a header boundary as the end.
    name: 'tar without its end-of-archive blocks, cut at a header boundary',
    build: () => memoryLayer(rawFile('a', 'x')),
    expect: { result: (r) => expect(paths(r)).toEqual(['a']) },
  },
  {
    name: 'empty blob (0 bytes)',
    build: () => plainLayer(Buffer.alloc(0)),
    expect: { result: (r) => expect(r.indexes[0]?.entries.toArray()).toEqual([]) },
  },
  {
    name: 'tar header with a wrong checksum',
    build: () => {
      const tar = sampleTar();
      tar[BLOCK * 3 + 2]! ^= 0x01; // a name byte of the second header; checksum left as it was
      return memoryLayer(tar, { compress: 'zstd' });
    },
    expect: { error: 'LAYER_CORRUPT', message: 'at byte 1536 has a wrong checksum' },
  },
  {
    // Go reads it as a V7 header (name, no prefix, uname or devices), and so do we.
    name: 'tar header without ustar or gnu magic (valid checksum): a V7 header',
    build: () => memoryLayer(rawTar(patched(rawHeader({ name: 'v7', typeflag: '0' }), 257, '\0'.repeat(8)))),
    expect: { result: (r) => expect(paths(r)).toEqual(['v7']) },
  },
  {
    name: 'tar header whose size field is not octal',
    build: () =>
      memoryLayer(rawTar(patched(rawHeader({ name: 'f', typeflag: '0' }), FIELD.size, 'zzzzzzzzzzz\0'))),
    expect: { error: 'LAYER_CORRUPT', message: 'has a size field that is not a valid number' },
  },
  {
    name: 'tar header with a negative base-256 size',
    build: () => {
      const field = Buffer.alloc(12, 0xff); // base-256 two's complement: -2
      field[11] = 0xfe;
      return memoryLayer(
        rawTar(patched(rawHeader({ name: 'f', typeflag: '0' }), FIELD.size, field.toString('latin1'))),
      );
    },
    expect: { error: 'LAYER_CORRUPT', message: 'entry "f" at byte 0 declares a negative size' },
  },
  {
    name: 'tar header whose mode field is not octal',
    build: () =>
      memoryLayer(rawTar(patched(rawHeader({ name: 'f', typeflag: '0' }), FIELD.mode, 'zzzzzzz\0'))),
    expect: { error: 'LAYER_CORRUPT', message: 'has a mode field that is not a valid number' },
  },
  {
    // Docker and containerd stop at the marker and only hash the rest; so do we, and say so.
    name: 'garbage after the end-of-archive marker',
    build: () => memoryLayer(Buffer.concat([rawFile('a', 'A'), END_OF_ARCHIVE, Buffer.alloc(3000, 'junk ')])),
    expect: { warning: 'TRAILING_DATA', result: (r) => expect(paths(r)).toEqual(['a']) },
  },
  {
    // A second archive after the marker: a container never sees `a` rewritten, so neither do we.
    name: 'valid entries after the end-of-archive marker (shadowing an earlier file)',
    build: () =>
      memoryLayer(
        Buffer.concat([
          rawFile('a', 'evil'),
          END_OF_ARCHIVE,
          rawFile('a', 'benign'),
          rawFile('b', 'B'),
          END_OF_ARCHIVE,
        ]),
      ),
    expect: {
      warning: 'TRAILING_DATA',
      result: (r) => {
        expect(paths(r)).toEqual(['a']);
        expect(r.tree.entries.get('a')?.sha256).toBe(sha256('evil'));
      },
    },
  },
  {
    name: 'end-of-archive marker before the first entry',
    build: () => memoryLayer(Buffer.concat([END_OF_ARCHIVE, rawFile('hidden', 'x'), END_OF_ARCHIVE])),
    expect: { warning: 'TRAILING_DATA', result: (r) => expect(paths(r)).toEqual([]) },
  },
  {
    name: 'tar padded with many zero blocks (a 10 KiB record), nothing after',
    build: () => memoryLayer(Buffer.concat([rawFile('a', 'A'), Buffer.alloc(20 * BLOCK)])),
    expect: { result: (r) => expect(paths(r)).toEqual(['a']) },
  },
  {
    // Go's archive/tar fails here (a zero block, then no second one), so Docker and containerd do.
    name: 'a lone zero block between two entries (not a marker)',
    build: () =>
      memoryLayer(Buffer.concat([rawFile('a', 'A'), Buffer.alloc(BLOCK), rawFile('b', 'B'), END_OF_ARCHIVE])),
    expect: { error: 'LAYER_CORRUPT', message: 'a single zero block at byte 1024 is followed by more data' },
  },
  {
    name: 'a file whose content is all zeros, followed by more entries',
    build: () =>
      memoryLayer(rawTar(rawFile('zeros', Buffer.alloc(8 * BLOCK)), rawFile('after', 'x')), {
        compress: 'none',
        chunkSize: 777,
      }),
    expect: {
      result: (r) => {
        expect(paths(r)).toEqual(['after', 'zeros']);
        expect(r.tree.entries.get('zeros')?.sha256).toBe(sha256(Buffer.alloc(8 * BLOCK)));
      },
    },
  },
  {
    name: 'a plain blob that is not a tar',
    build: () => plainLayer(Buffer.from('{"not": "a tar archive at all, just some JSON text"}\n'.repeat(40))),
    expect: { error: 'LAYER_CORRUPT', message: 'the header at byte 0 has a wrong checksum' },
  },
  {
    name: 'gzip bomb: 64 MiB of a huge file’s zeros, cap 8 MiB',
    build: () => {
      const tar = Buffer.concat([hugeEntryHeader('zeros', 64 * MiB), Buffer.alloc(64 * MiB)]);
      return storedLayer(gzipSync(tar, { level: 9 }), { digest: ZERO_DIGEST, diffID: OTHER_DIGEST });
    },
    options: { maxUncompressedBytes: 8 * MiB },
    expect: { error: 'LAYER_TOO_LARGE', message: `past ${8 * MiB} bytes` },
  },
  {
    name: 'zstd bomb: 64 MiB of zeros, cap 8 MiB',
    build: () => {
      const tar = Buffer.concat([hugeEntryHeader('zeros', 64 * MiB), Buffer.alloc(64 * MiB)]);
      const stored = compress(tar, 'zstd');
      return storedLayer(stored, { digest: digestOf(stored), diffID: digestOf(tar) });
    },
    options: { maxUncompressedBytes: 8 * MiB },
    expect: { error: 'LAYER_TOO_LARGE', message: 'decompression-bomb cap' },
  },
  {
    name: 'streamed gzip bomb of end-of-archive zeros (256 MiB), cap 4 MiB',
    build: () => streamedZeroBomb(rawFile('a', 'A'), 256 * MiB),
    options: { maxUncompressedBytes: 4 * MiB },
    expect: { error: 'LAYER_TOO_LARGE', message: 'reading stopped' },
  },
  {
    name: 'endless plain stream of a file that claims 8 GiB, cap 1 MiB',
    build: (): Layer => ({
      digest: ZERO_DIGEST,
      diffID: ZERO_DIGEST,
      size: -1,
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      open: () =>
        Promise.resolve(
          Readable.from(
            (function* () {
              yield hugeEntryHeader('big', 8 * 1024 ** 3 - 1);
              for (;;) yield Buffer.alloc(64 * 1024, 1);
            })(),
          ),
        ),
    }),
    options: { maxUncompressedBytes: MiB },
    expect: { error: 'LAYER_TOO_LARGE', message: String(MiB) },
  },
  {
    name: 'one byte of the gzip header changed (blob still decompresses)',
    build: () => {
      const tar = sampleTar();
      const good = compress(tar, 'gzip');
      const bad = Buffer.from(good);
      bad[4]! ^= 0x01; // the mtime field: gunzip does not care, the digest does
      return storedLayer(bad, { digest: digestOf(good), diffID: digestOf(tar) });
    },
    expect: { error: 'DIGEST_MISMATCH', message: 'expected sha256:' },
  },
  {
    name: 'correct blob, wrong diffID',
    build: () => memoryLayer(sampleTar(), { compress: 'gzip', diffID: OTHER_DIGEST }),
    expect: { error: 'DIFFID_MISMATCH', message: OTHER_DIGEST },
  },
  {
    name: 'uncompressed layer with one content byte changed (digest = diffID claimed)',
    build: () => {
      const tar = sampleTar();
      const bad = Buffer.from(tar);
      bad[BLOCK * 5]! ^= 0x01; // inside etc/b's content
      return storedLayer(bad, { digest: digestOf(tar), diffID: digestOf(tar) });
    },
    expect: { error: 'DIFFID_MISMATCH', message: 'uncompressed tar has digest' },
  },
  {
    name: 'more entries than maxEntries (cap 10, 50 entries)',
    build: () => memoryLayer(rawTar(...Array.from({ length: 50 }, (_, i) => rawFile(`f${i}`, `${i}`)))),
    options: { maxEntries: 10 },
    expect: { error: 'TOO_MANY_ENTRIES', message: 'more than 10 tar entries' },
  },
];
