import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  goBuildInfoProbe,
  MAX_WINDOW,
  parseModInfo,
  type GoBuildInfo,
} from '../../../src/catalog/probes/go-buildinfo.js';
import { feed } from '../../helpers/zip.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

function uvarint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** The Go 1.18+ inline build-info blob, as the linker writes it. */
function blob(goVersion: string, modinfo: string, flags = 2): Buffer {
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = 8;
  header[15] = flags;
  const v = Buffer.from(goVersion);
  const m = Buffer.concat([START, Buffer.from(modinfo), END]);
  return Buffer.concat([header, uvarint(v.length), v, uvarint(m.length), m]);
}

/** A fake ELF executable with `parts` placed at the given (aligned) offsets. */
function elf(size: number, parts: Array<[number, Buffer]>): Buffer {
  const buf = Buffer.alloc(size, 0x90);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(buf);
  for (const [at, b] of parts) b.copy(buf, at);
  return buf;
}

const MODINFO = [
  'path\texample.com/hello/cmd/hello',
  'mod\texample.com/hello\tv1.0.0\th1:abc=',
  'dep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
  'dep\texample.com/old\tv1.2.3',
  '=>\texample.com/new\tv1.2.4\th1:new=',
  'build\t-compiler=gc',
  'build\tGOOS=linux',
  '',
].join('\n');

const EXPECTED: GoBuildInfo = {
  goVersion: 'go1.21.5',
  path: 'example.com/hello/cmd/hello',
  main: { path: 'example.com/hello', version: 'v1.0.0', sum: 'h1:abc=' },
  deps: [
    { path: 'golang.org/x/text', version: 'v0.14.0', sum: 'h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=' },
    {
      path: 'example.com/old',
      version: 'v1.2.3',
      replace: { path: 'example.com/new', version: 'v1.2.4', sum: 'h1:new=' },
    },
  ],
};

function run(buf: Buffer, chunk: number): GoBuildInfo | undefined {
  const r = goBuildInfoProbe.start('usr/bin/hello', buf.length);
  feed(r, buf, chunk);
  return r.end();
}

describe('go-buildinfo probe', () => {
  it('matches executable files in the size range only', () => {
    expect(goBuildInfoProbe.matches('usr/bin/x', 4096, 0o755)).toBe(true);
    expect(goBuildInfoProbe.matches('usr/bin/x', 4096, 0o644)).toBe(false);
    expect(goBuildInfoProbe.matches('usr/bin/x', 100, 0o755)).toBe(false);
    expect(goBuildInfoProbe.matches('usr/bin/x', 600 * 1024 * 1024, 0o755)).toBe(false);
  });

  it('decodes the inline format wherever chunk boundaries fall, the magic split included', () => {
    const buf = elf(8192, [[4096, blob('go1.21.5', MODINFO)]]);
    // Every split of the magic across two chunks, and odd chunk sizes.
    for (const chunk of [1, 5, 13, 14, 15, 16, 17, 4090, 4097, 8192])
      expect(run(buf, chunk)).toEqual(EXPECTED);
    for (let cut = 4096 - 1; cut <= 4096 + 15; cut++) {
      const r = goBuildInfoProbe.start('x', buf.length);
      r.write(buf.subarray(0, cut));
      r.write(buf.subarray(cut));
      expect(r.end()).toEqual(EXPECTED);
    }
  });

  it('skips magics that are unaligned or lead to no valid header (string constants), then finds the real one', () => {
    const decoy = Buffer.concat([MAGIC, Buffer.from('\x08\x02 not a header at all')]);
    const buf = elf(16384, [
      [1000, MAGIC], // unaligned
      [2048, decoy], // aligned, but the "version" length byte is garbage
      [
        3072,
        Buffer.concat([
          MAGIC,
          Buffer.from([8, 2]),
          Buffer.alloc(16),
          uvarint(3),
          Buffer.from('\x00\x01\x02'),
        ]),
      ], // bad version text
      [8192, blob('go1.21.5', MODINFO)],
    ]);
    for (const chunk of [7, 4096, 16384]) expect(run(buf, chunk)).toEqual(EXPECTED);
  });

  it('ignores files that are not ELF and ELF files without build info', () => {
    const notElf = Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.alloc(4096), blob('go1.21.5', MODINFO)]);
    expect(run(notElf, 100)).toBeUndefined();
    expect(run(elf(4096, []), 100)).toBeUndefined();
  });

  it('reports a truncated blob (the file ends inside it) instead of guessing', () => {
    const full = elf(8192, [[4096, blob('go1.21.5', MODINFO)]]);
    const cut = full.subarray(0, 4096 + 60);
    expect(run(cut, 17)).toEqual({ deps: [], problem: 'build info truncated: the file ends inside it' });
    expect(run(full.subarray(0, 4096 + 20), 17)?.problem).toMatch(/truncated/);
  });

  it('rejects module info claiming more than the window, and reports the pre-1.18 pointer format', () => {
    const huge = Buffer.concat([
      MAGIC,
      Buffer.from([8, 2]),
      Buffer.alloc(16),
      uvarint(8),
      Buffer.from('go1.21.5'),
      uvarint(MAX_WINDOW * 4),
    ]);
    expect(run(elf(8192, [[4096, huge]]), 512)).toBeUndefined();
    const pointer = Buffer.concat([MAGIC, Buffer.from([8, 0]), Buffer.alloc(16, 0x11)]);
    expect(run(elf(8192, [[4096, pointer]]), 512)?.problem).toMatch(/pre-Go-1.18 pointer format/);
  });

  it('parses module info lines, replacements included, ignoring unknown lines', () => {
    expect(parseModInfo('path\tx\nmod\tx\t(devel)\t\ndep\ta\tv1\n=>\t../a\t\t\nweird\tline\n')).toEqual({
      path: 'x',
      main: { path: 'x', version: '(devel)' },
      deps: [{ path: 'a', version: 'v1', replace: { path: '../a' } }],
    });
  });
});

describe('go-buildinfo probe under fuzzing', () => {
  it('never throws on ELF files with magics followed by arbitrary bytes, and keeps results well-formed', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 600 }),
        fc.integer({ min: 1, max: 300 }),
        (tail, chunk) => {
          const buf = elf(2048, [[1024, Buffer.concat([MAGIC, Buffer.from(tail)])]]);
          const info = run(buf, chunk);
          expect(info === undefined || Array.isArray(info.deps)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes the same result from a valid blob with random bytes around it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 97 }), (noise, chunk) => {
        const buf = elf(4096, [
          [64, Buffer.from(noise)],
          [2048, blob('go1.21.5', MODINFO)],
        ]);
        expect(run(buf, chunk)).toEqual(EXPECTED);
      }),
      { numRuns: 100 },
    );
  });
});
