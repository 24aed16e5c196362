import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLayer } from '../../src/layers/read-layer.js';
import type { CaptureSpec, ContentProbe } from '../../src/layers/types.js';
import type { Layer } from '../../src/image/types.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { digestOf, makeTar } from '../helpers/tar.js';
import { compress, memoryLayer, storedLayer } from '../helpers/memory-layer.js';
import { rawData, rawFile, rawHeader, rawTar } from '../helpers/raw-tar.js';

const NO_CAPTURE: CaptureSpec = { globs: [], maxFileBytes: 0, probes: [] };
const ZERO_DIGEST = `sha256:${'0'.repeat(64)}`;

/** Await a rejection and return it as our error type (fails the test for anything else). */
async function failure(promise: Promise<unknown>): Promise<ImageChangelogError> {
  const err = await promise.then(
    () => expect.unreachable('expected readLayer to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageChangelogError);
  return err as ImageChangelogError;
}

async function sampleTar(): Promise<Buffer> {
  return makeTar([
    { name: 'etc/' },
    { name: 'etc/a', content: 'a'.repeat(5000) },
    { name: 'etc/b', content: Buffer.alloc(200_000, 7) },
  ]);
}

describe('readLayer on damaged and hostile layers', () => {
  it('names the layer when the stored blob does not match its digest', async () => {
    const layer = memoryLayer(await sampleTar(), { compress: 'gzip', digest: ZERO_DIGEST });
    const err = await failure(readLayer(layer, NO_CAPTURE));
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toContain(ZERO_DIGEST);
    expect(err.message).toContain(digestOf(layer.stored));
    expect(err.subject).toBe(ZERO_DIGEST);
  });

  it('names the layer when the uncompressed tar does not match its diffID', async () => {
    const layer = memoryLayer(await sampleTar(), { compress: 'zstd', diffID: ZERO_DIGEST });
    const err = await failure(readLayer(layer, NO_CAPTURE));
    expect(err.code).toBe('DIFFID_MISMATCH');
    expect(err.message).toContain(layer.digest);
    expect(err.message).toContain(ZERO_DIGEST);
  });

  it('checks an uncompressed layer whose digest differs from its diffID against both', async () => {
    const tarBytes = await sampleTar();
    const layer = storedLayer(tarBytes, { digest: ZERO_DIGEST, diffID: digestOf(tarBytes) });
    expect((await failure(readLayer(layer, NO_CAPTURE))).code).toBe('DIGEST_MISMATCH');
  });

  it('still checks the diffID when a compressed layer claims digest == diffID', async () => {
    const tarBytes = await sampleTar();
    const layer = storedLayer(compress(tarBytes, 'gzip'), { digest: ZERO_DIGEST, diffID: ZERO_DIGEST });
    expect((await failure(readLayer(layer, NO_CAPTURE))).code).toBe('DIFFID_MISMATCH');
  });

  it.each(['gzip', 'zstd'] as const)(
    'reports a truncated %s blob as corrupt, not as a short layer',
    async (kind) => {
      const tarBytes = await sampleTar();
      const full = compress(tarBytes, kind);
      const cut = full.subarray(0, Math.floor(full.length * 0.6));
      const layer = storedLayer(cut, { digest: digestOf(cut), diffID: digestOf(tarBytes) });
      const err = await failure(readLayer(layer, NO_CAPTURE, { nativeZstd: false }));
      expect(err.code).toBe('LAYER_CORRUPT');
      expect(err.message).toContain(`${kind} data`);
      expect(err.message).toMatch(/unexpected end/);
      expect(err.message).toContain(layer.digest);
    },
  );

  it('reports a gzip blob with damaged deflate data as corrupt', async () => {
    const full = compress(await sampleTar(), 'gzip');
    const bad = Buffer.from(full);
    for (let i = 20; i < 60; i++) bad[i] = 0xff;
    const layer = storedLayer(bad, { digest: digestOf(bad), diffID: ZERO_DIGEST });
    const err = await failure(readLayer(layer, NO_CAPTURE));
    expect(err.code).toBe('LAYER_CORRUPT');
    expect(err.message).toContain('gzip data');
  });

  it('reports a tar that ends inside an entry as corrupt', async () => {
    const tarBytes = await sampleTar();
    const cut = tarBytes.subarray(0, 512 * 5 + 100);
    const err = await failure(readLayer(memoryLayer(cut, { compress: 'gzip' }), NO_CAPTURE));
    expect(err.code).toBe('LAYER_CORRUPT');
    expect(err.message).toContain('tar: the tar ends inside the content of entry');
  });

  it('reports a tar header with a bad checksum as corrupt', async () => {
    const tarBytes = Buffer.from(await sampleTar());
    tarBytes[512 + 3] = tarBytes[512 + 3]! ^ 0x20; // a name byte of the second header
    const err = await failure(readLayer(memoryLayer(tarBytes, { compress: 'zstd' }), NO_CAPTURE));
    expect(err.code).toBe('LAYER_CORRUPT');
    expect(err.message).toContain('tar: the header at byte 512 has a wrong checksum');
  });

  it('reports bytes that are not a tar at all as corrupt', async () => {
    const junk = Buffer.alloc(4096, 'not a tar archive ');
    const err = await failure(readLayer(memoryLayer(junk, { compress: 'none' }), NO_CAPTURE));
    expect(err.code).toBe('LAYER_CORRUPT');
  });

  it('rejects a PAX header larger than Go allows (10 MB, over 1 MiB)', async () => {
    const size = 10 * 1024 * 1024;
    const tarBytes = rawTar(
      rawHeader({ name: 'PaxHeader', typeflag: 'x', size }),
      rawData(Buffer.alloc(size, 'a')),
    );
    const err = await failure(readLayer(memoryLayer(tarBytes, { compress: 'gzip' }), NO_CAPTURE));
    expect(err.code).toBe('LAYER_CORRUPT');
    expect(err.message).toContain('is an extended header of 10485760 bytes, over the 1048576-byte limit');
  });

  it.each([
    ['../etc/passwd', 'a leading ..'],
    ['usr/../../etc/shadow', 'a .. in the middle'],
    ['./a/..', 'a trailing ..'],
  ])('rejects the entry name %s (%s) as a path escape', async (name) => {
    const layer = memoryLayer(rawTar(rawFile(name, 'x')), { compress: 'gzip' });
    const err = await failure(readLayer(layer, NO_CAPTURE));
    expect(err.code).toBe('PATH_ESCAPE');
    expect(err.message).toContain(JSON.stringify(name));
    expect(err.message).toContain(layer.digest);
  });

  it('rejects a hardlink whose target escapes with ..', async () => {
    const layer = memoryLayer(await makeTar([{ name: 'h', type: 'link', linkname: '../../etc/shadow' }]));
    expect((await failure(readLayer(layer, NO_CAPTURE))).code).toBe('PATH_ESCAPE');
  });

  it('rejects a name carrying a NUL byte (via PAX)', async () => {
    const layer = memoryLayer(await makeTar([{ name: 'x', content: 'x', pax: { path: 'etc/pass\0wd' } }]));
    const err = await failure(readLayer(layer, NO_CAPTURE));
    expect(err.code).toBe('LAYER_CORRUPT');
    expect(err.message).toContain('holds a PAX record "path" with a NUL byte');
  });

  it('stops a decompression bomb at the cap without reading much of the endless source', async () => {
    // A gzip member of 1 MiB of zeros is about 1 KiB; zeros read as tar end-of-archive blocks, which
    // the parser skips, so this source expands without end.
    const member = gzipSync(Buffer.alloc(1024 * 1024));
    let pulled = 0;
    const layer: Layer = {
      digest: ZERO_DIGEST,
      diffID: `sha256:${'1'.repeat(64)}`,
      size: -1,
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      open: () =>
        Promise.resolve(
          Readable.from(
            (function* () {
              for (;;) {
                pulled++;
                yield member;
              }
            })(),
          ),
        ),
    };
    const cap = 8 * 1024 * 1024;
    const err = await failure(readLayer(layer, NO_CAPTURE, { maxUncompressedBytes: cap }));
    expect(err.code).toBe('LAYER_TOO_LARGE');
    expect(err.message).toContain(String(cap));
    expect(err.hint).toContain('maxUncompressedBytes');
    // 8 members reach the cap; the rest is stream read-ahead, bounded by the streams' buffers (16 KiB
    // on Node 20, 64 KiB on Node 22+), not by the source: at most 128 KiB of compressed bytes beyond it.
    expect(pulled).toBeGreaterThanOrEqual(8);
    expect(pulled).toBeLessThanOrEqual(8 + Math.ceil((128 * 1024) / member.length));
  });

  it('stops at maxEntries with a named error', async () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, content: `${i}` }));
    const layer = memoryLayer(await makeTar(entries), { compress: 'gzip' });
    const err = await failure(readLayer(layer, NO_CAPTURE, { maxEntries: 10 }));
    expect(err.code).toBe('TOO_MANY_ENTRIES');
    expect(err.message).toContain('10');
    expect(err.message).toContain(layer.digest);
  });

  it('passes the source stream’s own error through instead of calling the layer corrupt', async () => {
    const boom = new Error('connection reset by peer');
    const layer: Layer = {
      ...memoryLayer(await sampleTar()),
      open: () =>
        Promise.resolve(
          new Readable({
            read() {
              this.destroy(boom);
            },
          }),
        ),
    };
    await expect(readLayer(layer, NO_CAPTURE)).rejects.toBe(boom);
  });

  it('does not swallow an unexpected error thrown while handling an entry', async () => {
    const bug = new TypeError('probe bug');
    const probe: ContentProbe = {
      id: 'buggy',
      version: 1,
      matches: () => true,
      start: () => ({
        write() {
          throw bug;
        },
        end: () => undefined,
      }),
    };
    const layer = memoryLayer(await sampleTar(), { compress: 'gzip' });
    await expect(readLayer(layer, { globs: [], maxFileBytes: 0, probes: [probe] })).rejects.toBe(bug);
  });

  it('rejects with an AbortError when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const layer = memoryLayer(await sampleTar());
    await expect(readLayer(layer, NO_CAPTURE, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('stops mid-stream when the signal is aborted while reading', async () => {
    const controller = new AbortController();
    let pulled = 0;
    const layer: Layer = {
      ...memoryLayer(await sampleTar()),
      open: () =>
        Promise.resolve(
          Readable.from(
            (function* () {
              for (;;) {
                if (++pulled === 3) controller.abort();
                yield Buffer.alloc(512);
              }
            })(),
          ),
        ),
    };
    await expect(readLayer(layer, NO_CAPTURE, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(pulled).toBeLessThan(100);
  });

  it('rejects a digest of an unsupported algorithm with a named error', async () => {
    const layer = memoryLayer(await sampleTar(), { digest: 'md5:abc' });
    expect((await failure(readLayer(layer, NO_CAPTURE))).code).toBe('DIGEST_UNSUPPORTED');
  });
});
