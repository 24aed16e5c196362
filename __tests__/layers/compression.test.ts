import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  createDecompressor,
  FzstdDecompress,
  hasNativeZstd,
  sniffCompression,
} from '../../src/layers/compression.js';
import { ZstdFrameCheck, ZstdFrameTracker } from '../../src/layers/zstd-frames.js';
import { gzip, streamOf } from '../helpers/tar.js';
import { zstd } from '../helpers/memory-layer.js';

async function run(decompressor: NodeJS.ReadWriteStream, input: Buffer, chunkSize = 4093): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    streamOf(input, chunkSize),
    decompressor,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

/** Varied, partly compressible content so zstd emits several block kinds. */
function sampleBytes(size: number): Buffer {
  const buf = Buffer.alloc(size);
  let x = 12345;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = i % 3000 < 1500 ? 65 + (i % 7) : x & 0xff;
  }
  return buf;
}

describe('sniffCompression', () => {
  it('tells gzip, zstd and plain from the first bytes', () => {
    expect(sniffCompression(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(sniffCompression(Buffer.from('ustar'))).toBe('none');
  });

  it('says none when there are too few bytes to be sure', () => {
    expect(sniffCompression(Buffer.alloc(0))).toBe('none');
    expect(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f]))).toBe('none');
    expect(sniffCompression(Buffer.from([0x1f]))).toBe('none');
  });
});

describe('createDecompressor', () => {
  const data = sampleBytes(700_000);

  it('round-trips gzip, including several concatenated members', async () => {
    expect((await run(createDecompressor('gzip'), gzip(data))).equals(data)).toBe(true);
    const twoMembers = Buffer.concat([gzip(data.subarray(0, 1000)), gzip(data.subarray(1000))]);
    expect((await run(createDecompressor('gzip'), twoMembers)).equals(data)).toBe(true);
  });

  it('round-trips zstd with the pure-JS decoder, including several frames', async () => {
    expect((await run(createDecompressor('zstd', { nativeZstd: false }), zstd(data))).equals(data)).toBe(
      true,
    );
    const twoFrames = Buffer.concat([zstd(data.subarray(0, 5000)), zstd(data.subarray(5000), 19)]);
    expect((await run(new FzstdDecompress(), twoFrames, 1000)).equals(data)).toBe(true);
  });

  it('fails on truncated gzip with zlib’s unexpected end of file', async () => {
    const cut = gzip(data).subarray(0, 5000);
    await expect(run(createDecompressor('gzip'), cut)).rejects.toThrow(/unexpected end of file/);
  });

  it.each([0.1, 0.5, 0.99])('fails on zstd truncated at %s of its length', async (fraction) => {
    const full = zstd(data);
    const cut = full.subarray(0, Math.floor(full.length * fraction));
    await expect(run(createDecompressor('zstd', { nativeZstd: false }), cut)).rejects.toThrow(
      /zstd: unexpected end/,
    );
  });

  it.skipIf(!hasNativeZstd())('fails on truncated zstd with node:zlib’s decoder too', async () => {
    const full = zstd(data);
    await expect(run(createDecompressor('zstd'), full.subarray(0, full.length - 3))).rejects.toThrow(/zstd/);
    expect((await run(createDecompressor('zstd'), full)).equals(data)).toBe(true);
  });
});

describe('ZstdFrameTracker', () => {
  function completeAfter(bytes: Buffer, chunk = bytes.length): boolean {
    const tracker = new ZstdFrameTracker();
    for (let i = 0; i < bytes.length; i += chunk) tracker.update(bytes.subarray(i, i + chunk));
    return tracker.complete;
  }

  it('calls a stream complete only at frame ends, for every prefix of a two-frame stream', () => {
    const first = zstd(sampleBytes(3000), 1);
    const second = zstd(sampleBytes(200_000), 3);
    const both = Buffer.concat([first, second]);
    for (let n = 0; n <= both.length; n++) {
      const expected = n === first.length || n === both.length;
      if (completeAfter(both.subarray(0, n)) !== expected) {
        expect.unreachable(`prefix of ${n} bytes: expected complete=${expected}`);
      }
    }
  });

  it('gives the same answer however the bytes are chunked', () => {
    const frame = zstd(sampleBytes(300_000));
    for (const chunk of [1, 2, 3, 7, 4096]) expect(completeAfter(frame, chunk)).toBe(true);
    expect(completeAfter(frame.subarray(0, frame.length - 1), 1)).toBe(false);
  });

  it('walks skippable frames and frames with a checksum', () => {
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0]), Buffer.from('abc')]);
    const checked = checksummedFrame(sampleBytes(10_000));
    expect(completeAfter(Buffer.concat([skippable, checked]))).toBe(true);
    expect(completeAfter(Buffer.concat([skippable, checked.subarray(0, checked.length - 2)]))).toBe(false);
    expect(completeAfter(skippable.subarray(0, 9))).toBe(false);
  });

  it('throws on bytes that are not zstd', () => {
    expect(() => new ZstdFrameTracker().update(Buffer.from('definitely not zstd'))).toThrow(/magic/);
  });

  it('fails a pass-through check at the end of a truncated stream', async () => {
    const frame = zstd(sampleBytes(50_000));
    await expect(run(new ZstdFrameCheck(), frame.subarray(0, frame.length - 10))).rejects.toThrow(
      /incomplete frame/,
    );
    expect((await run(new ZstdFrameCheck(), frame)).equals(frame)).toBe(true);
  });
});

/** A zstd frame with a 4-byte content checksum after its last block (the CLI default). */
function checksummedFrame(data: Buffer): Buffer {
  const out = zstd(data);
  // The CLI writes checksums by default; make sure the fixture really has one (descriptor bit 2).
  expect(out[4]! & 0x04).toBe(0x04);
  return out;
}

describe('decompressor streams', () => {
  it('accept Readable.from sources', async () => {
    const data = sampleBytes(10_000);
    const out: Buffer[] = [];
    await pipeline(
      Readable.from([gzip(data)]),
      createDecompressor('gzip'),
      async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) out.push(c);
      },
    );
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
});
