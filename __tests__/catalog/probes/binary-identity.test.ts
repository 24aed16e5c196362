import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { binaryIdentityProbe, type BinaryIdentity } from '../../../src/catalog/probes/binary-identity.js';
import { MAX_COMPRESSED } from '../../../src/catalog/probes/cargo-auditable.js';
import { FDO_PACKAGING_METADATA, makeElf, noteBytes } from '../../helpers/elf.js';
import { feed } from '../../helpers/zip.js';

function probe(buf: Buffer, chunk: number, path = 'usr/bin/tool'): BinaryIdentity | undefined {
  const run = binaryIdentityProbe.start(path, buf.length);
  feed(run, buf, chunk);
  return run.end();
}

const CHUNKS = [7, 64, 4093, 65536, 1 << 20];
const banner = (v: string) =>
  Buffer.from(`syslogd started: BusyBox v${v}\0BusyBox v${v} (2024-09-26 21:31:42 UTC)\0`);
const audit = (packages: unknown[]) => deflateSync(Buffer.from(JSON.stringify({ packages })), { level: 9 });
const pkgNote = (json: object | string) =>
  noteBytes(
    'FDO',
    FDO_PACKAGING_METADATA,
    Buffer.from(`${typeof json === 'string' ? json : JSON.stringify(json)}\0`),
  );

describe('binary-identity probe', () => {
  it('looks at executables and shared libraries only', () => {
    expect(binaryIdentityProbe.matches('bin/busybox', 100_000, 0o755)).toBe(true);
    expect(binaryIdentityProbe.matches('usr/lib/libsystemd.so.0.38.0', 100_000, 0o644)).toBe(true);
    expect(binaryIdentityProbe.matches('etc/motd', 100_000, 0o644)).toBe(false);
    expect(binaryIdentityProbe.matches('bin/tiny', 10, 0o755)).toBe(false);
  });

  it('reads the busybox banner, skipping the same words without a build date, at any chunk size', () => {
    const elf = makeElf({ size: 300_000, blobs: [{ offset: 150_000, bytes: banner('1.37.0') }] });
    for (const chunk of CHUNKS) expect(probe(elf, chunk)).toEqual({ busybox: '1.37.0' });
  });

  it('reads the version Node.js compiles into its binary', () => {
    const url = Buffer.from('https://nodejs.org/download/release/v20.20.1/node-v20.20.1-headers.tar.gz\0');
    const elf = makeElf({ size: 200_000, blobs: [{ offset: 199_000, bytes: url }] });
    for (const chunk of CHUNKS) expect(probe(elf, chunk)).toEqual({ node: '20.20.1' });
  });

  it("reads CPython's PY_VERSION, standing alone or as a merged string's tail, only in python's own files", () => {
    // Decoys first: another X.Y.Z without its NUL, another minor line, a longer number.
    const decoys = Buffer.from('3.11.x\0python3.11.\0' + '3.12.4\0' + '13.11.99a\0');
    const alone = Buffer.from('\0pymalloc_debug\0' + '3.11.2\0strict\0');
    const merged = Buffer.from('/tmp/python-build.20240101/Python-3.13.0rc2\0EXEC_PREFIX\0');
    const elf = (tail: Buffer) =>
      makeElf({ size: 120_000, blobs: [{ offset: 50_000, bytes: Buffer.concat([decoys, tail]) }] });
    for (const chunk of CHUNKS) {
      expect(probe(elf(alone), chunk, 'usr/local/bin/python3.11')).toEqual({ python: '3.11.2' });
      expect(probe(elf(alone), chunk, 'usr/local/lib/libpython3.11.so.1.0')).toEqual({ python: '3.11.2' });
      expect(probe(elf(merged), chunk, 'usr/local/lib/libpython3.13.so.1.0')).toEqual({
        python: '3.13.0rc2',
      });
      // The same bytes in any other file, or in python's unversioned link name, are not looked at.
      expect(probe(elf(alone), chunk, 'usr/bin/tool')).toBeUndefined();
      expect(probe(elf(alone), chunk, 'usr/local/bin/python3')).toBeUndefined();
    }
  });

  it('reads systemd package notes from the PT_NOTE segments, 64- and 32-bit, either byte order', () => {
    const note = {
      type: 'rpm',
      name: 'systemd',
      version: '254-1.fc39',
      architecture: 'x86_64',
      osCpe: 'cpe:/o:fedoraproject:fedora:39',
    };
    for (const bits of [64, 32] as const)
      for (const bigEndian of [false, true]) {
        const bytes = Buffer.concat([
          noteBytes('GNU', 3, Buffer.alloc(20, 1), bigEndian),
          noteBytes('FDO', FDO_PACKAGING_METADATA, Buffer.from(`${JSON.stringify(note)}\0`), bigEndian),
        ]);
        const elf = makeElf({ bits, bigEndian, size: 50_000, notes: [{ offset: 40_000, bytes }] });
        for (const chunk of [1, 100, 65536]) expect(probe(elf, chunk)).toEqual({ packageNotes: [note] });
      }
  });

  it('reports a package note that is not JSON, or lacks a name', () => {
    const bytes = Buffer.concat([pkgNote('{not json'), pkgNote({ type: 'deb', version: '1' })]);
    const elf = makeElf({ size: 5000, notes: [{ offset: 2000, bytes }] });
    expect(probe(elf, 512)).toEqual({
      problems: ['package note is not JSON', 'package note without type, name or version'],
    });
  });

  it('finds and reads cargo auditable data by its content, at any chunk size', () => {
    const crates = [
      { name: 'hello', version: '0.1.0', source: 'local', root: true, dependencies: [1] },
      { name: 'serde', version: '1.0.197', source: 'crates.io' },
      { name: 'cc', version: '1.0.90', source: 'crates.io', kind: 'build' },
    ];
    // Other zlib-looking bytes (0x78 0xda) come first and must not be taken for it.
    const decoy = Buffer.concat([Buffer.from([0x78, 0xda]), deflateSync(Buffer.from('not the audit data'))]);
    const elf = makeElf({
      size: 400_000,
      blobs: [
        { offset: 1000, bytes: decoy },
        { offset: 300_001, bytes: audit(crates) },
      ],
    });
    for (const chunk of CHUNKS)
      expect(probe(elf, chunk)).toEqual({
        cargo: [
          { name: 'hello', version: '0.1.0', source: 'local', root: true },
          { name: 'serde', version: '1.0.197', source: 'crates.io' },
          { name: 'cc', version: '1.0.90', source: 'crates.io', kind: 'build' },
        ],
      });
  });

  it('bounds cargo auditable data: truncated, or too large, is a problem, never unbounded memory', () => {
    const data = audit([{ name: 'a', version: '1.0.0' }]);
    const cut = makeElf({ size: 10_000, blobs: [{ offset: 10_000 - 20, bytes: data.subarray(0, 20) }] });
    expect(probe(cut, 4096)?.problems).toEqual(['cargo auditable: audit data truncated or corrupt']);
    // Incompressible names make compressed data larger than the cap.
    let seed = 1;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed.toString(36));
    const many = Array.from({ length: 60_000 }, (_, i) => ({
      name: noise() + noise() + noise() + noise(),
      version: `${i}.0.0`,
    }));
    const big = audit(many);
    expect(big.length).toBeGreaterThan(MAX_COMPRESSED);
    const elf = makeElf({ size: big.length + 2000, blobs: [{ offset: 1000, bytes: big }] });
    expect(probe(elf, 1 << 20)?.problems).toEqual([
      `cargo auditable: audit data larger than ${MAX_COMPRESSED} bytes compressed`,
    ]);
  });

  it('skips files that are not ELF', () => {
    const buf = Buffer.concat([Buffer.from('#!/bin/sh\n'), banner('1.0.0'), Buffer.alloc(5000)]);
    expect(probe(buf, 100)).toBeUndefined();
  });
});
