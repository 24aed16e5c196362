import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLayer } from '../../src/layers/read-layer.js';
import { squashLayers } from '../../src/layers/squash.js';
import type { LayerIndex } from '../../src/layers/types.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { storedLayer } from '../helpers/memory-layer.js';
import { digestOf, gzip, makeTar } from '../helpers/tar.js';
import { DOCUMENTED_LAYER_CODES, NO_CAPTURE, withinTime } from './corpus-runner.js';

/**
 * Property tests: random byte mutations of a small valid layer, gzip and plain. Whatever the bytes,
 * readLayer settles within 5 s, and either succeeds with safe paths or fails with one of the
 * documented ImageChangelogError codes; never another exception, never a hang.
 */

const RUNS = 300;
const HANG_MS = 5_000;

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array };

const position = fc.nat({ max: 1 << 20 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 600 }),
  }),
  fc.record({
    kind: fc.constant('overwrite' as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
);

function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let out = Buffer.from(input);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'flip' && out.length > 0) out[at]! ^= 1 << m.bit;
    else if (m.kind === 'truncate') out = out.subarray(0, at);
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    else if (m.kind === 'overwrite')
      out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at + m.bytes.length)]);
  }
  return out;
}

/** A small layer touching most of the parser: PAX names, links, whiteouts, devices, big uids. */
async function sampleTar(): Promise<Buffer> {
  return makeTar([
    { name: 'etc/' },
    { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n'.repeat(40) },
    { name: `usr/share/${'long-'.repeat(40)}name`, content: 'long' },
    { name: 'usr/bin/sh', type: 'symlink', linkname: '../../bin/busybox' },
    { name: 'usr/bin/ash', type: 'link', linkname: 'etc/passwd' },
    { name: 'var/.wh.cache' },
    { name: 'opt/.wh..wh..opq', content: '' },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 },
    { name: 'home/u/f', content: Buffer.alloc(3000, 0x41), uid: 70000, pax: { uid: '70000' } },
    { name: 'setuid', content: 'x', mode: 0o4755 },
  ]);
}

function expectSafe(index: LayerIndex): void {
  for (const path of [...index.entries.toArray().map((e) => e.path), ...index.whiteouts.map((w) => w.path)]) {
    const segments = path.split('/');
    expect(segments).not.toContain('..');
    expect(path.startsWith('/')).toBe(false);
    expect(path.includes('\0')).toBe(false);
  }
  expect(() => squashLayers([index])).not.toThrow();
}

/** Read, with the hang guard; an error must be ours and documented. */
async function readSettled(
  stored: Buffer,
  claims: { digest: string; diffID: string },
): Promise<LayerIndex | ImageChangelogError> {
  const layer = storedLayer(stored, claims);
  const outcome = await withinTime(
    readLayer(layer, NO_CAPTURE).then(
      (index) => index,
      (error: unknown) => error,
    ),
    HANG_MS,
    `readLayer on ${stored.length} mutated bytes`,
  );
  if (outcome instanceof ImageChangelogError) {
    expect(DOCUMENTED_LAYER_CODES).toContain(outcome.code);
    return outcome;
  }
  if (outcome instanceof Error) throw outcome; // a crash: fails the property with its stack
  return outcome as LayerIndex;
}

describe('readLayer under random mutations', () => {
  let tar: Buffer;
  let original: LayerIndex;
  beforeAll(async () => {
    tar = await sampleTar();
    original = await readLayer(
      storedLayer(gzip(tar), { digest: digestOf(gzip(tar)), diffID: digestOf(tar) }),
      NO_CAPTURE,
    );
  });

  it('settles with a documented outcome for mutated gzip blobs; success means the very same index', async () => {
    const blob = gzip(tar);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const stored = mutate(blob, mutations);
        // Honest digest for the mutated blob, the original diffID: only identical tar bytes pass.
        const outcome = await readSettled(stored, { digest: digestOf(stored), diffID: digestOf(tar) });
        if (!(outcome instanceof ImageChangelogError)) {
          expect(outcome.entries.toArray()).toEqual(original.entries.toArray());
          expect(outcome.whiteouts).toEqual(original.whiteouts);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('settles with a documented outcome for mutated plain tars; success means safe paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const stored = mutate(tar, mutations);
        // digest = diffID = the mutated bytes: verification passes, so the parser meets every byte.
        const outcome = await readSettled(stored, { digest: digestOf(stored), diffID: digestOf(stored) });
        if (!(outcome instanceof ImageChangelogError)) expectSafe(outcome);
      }),
      { numRuns: RUNS },
    );
  });

  it('ignores whatever follows the end-of-archive marker: the index never changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), async (suffix, validTail) => {
        const tail = validTail
          ? Buffer.concat([await makeTar([{ name: 'etc/passwd', content: 'evil' }]), suffix])
          : Buffer.from(suffix);
        const stored = Buffer.concat([tar, tail]);
        const outcome = await readSettled(stored, { digest: digestOf(stored), diffID: digestOf(stored) });
        expect(outcome).not.toBeInstanceOf(ImageChangelogError);
        expect((outcome as LayerIndex).entries.toArray()).toEqual(original.entries.toArray());
        expect((outcome as LayerIndex).uncompressedSize).toBe(stored.length);
      }),
      { numRuns: 100 },
    );
  });
});
