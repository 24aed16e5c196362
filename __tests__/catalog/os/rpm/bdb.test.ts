import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { looksLikeBdbHash, readBdbPackages } from '../../../../src/catalog/os/rpm/bdb.js';
import { RpmFormatError } from '../../../../src/catalog/os/rpm/format-error.js';
import { readRpmPackage } from '../../../../src/catalog/os/rpm/package-record.js';
import { buildBdb, packageHeader } from '../../../helpers/rpm-db.js';

const files = Array.from({ length: 300 }, (_, i) => ({
  path: `/usr/share/p/file-${i}`,
  digest: 'f'.repeat(64),
}));
const blobs = [
  packageHeader({ name: 'alpha', version: '1', release: '1', arch: 'noarch', files, digestAlgo: 8 }),
  packageHeader({ name: 'beta', version: '2', release: '1', arch: 's390x' }),
];

const names = (bytes: Buffer): string[] =>
  readBdbPackages(bytes).blobs.map((b) => readRpmPackage(b.blob).name);

/** Byte offset of page `n`'s header field `at`. */
const field = (pageSize: number, n: number, at: number): number => n * pageSize + at;

describe('readBdbPackages', () => {
  it.each([
    ['little-endian', true, 4096],
    ['big-endian', false, 4096],
    ['little-endian, 512-byte pages', true, 512],
  ])('reads every header across overflow chains when the file is %s', (_what, littleEndian, pageSize) => {
    const db = buildBdb(blobs, { littleEndian, pageSize });
    expect(looksLikeBdbHash(db)).toBe(true);
    const result = readBdbPackages(db);
    expect(result.damage).toEqual([]);
    expect(result.blobs.map((b) => b.key)).toEqual([1, 2]);
    expect(result.blobs.map((b) => Buffer.from(b.blob))).toEqual(blobs);
  });

  it('skips rpm record 0 (the instance counter) when reading keys', () => {
    expect(names(buildBdb(blobs))).toEqual(['alpha', 'beta']);
  });

  it('reports a cyclic overflow chain as damage without hanging, and still reads the other items', () => {
    const db = buildBdb(blobs, { pageSize: 512 });
    // alpha's chain starts at page 2; point its second page back at page 2.
    db.writeUInt32LE(2, field(512, 3, 16));
    const result = readBdbPackages(db);
    expect(result.damage.join()).toMatch(/overflow page 2 is reached twice/);
    expect(result.blobs.map((b) => readRpmPackage(b.blob).name)).toEqual(['beta']);
  });

  it('reports an overflow page number past the end of the file', () => {
    const db = buildBdb(blobs, { pageSize: 512 });
    db.writeUInt32LE(999_999, field(512, 2, 16));
    const result = readBdbPackages(db);
    expect(result.damage.join()).toMatch(/overflow page 999999 is outside/);
    expect(result.blobs).toHaveLength(1);
  });

  it('reports a chain that ends early or lands on a non-overflow page', () => {
    const early = buildBdb(blobs, { pageSize: 512 });
    early.writeUInt32LE(0, field(512, 2, 16));
    expect(readBdbPackages(early).damage.join()).toMatch(/ends after \d+ of \d+ bytes/);
    const wrong = buildBdb(blobs, { pageSize: 512 });
    wrong.writeUInt32LE(1, field(512, 2, 16));
    expect(readBdbPackages(wrong).damage.join()).toMatch(/page 1 in an overflow chain has type 13/);
  });

  it('reports a truncated file and reads the pages that remain', () => {
    const db = buildBdb(blobs, { pageSize: 512 });
    const cut = db.subarray(0, db.length - 512);
    const result = readBdbPackages(cut);
    expect(result.damage[0]).toMatch(/truncated/);
    expect(result.blobs.map((b) => readRpmPackage(b.blob).name)).toEqual(['alpha']);
  });

  it('reports a hash page whose item offsets point outside their room', () => {
    const db = buildBdb(blobs);
    db.writeUInt16LE(2, field(4096, 1, 26));
    expect(readBdbPackages(db).damage.join()).toMatch(/page 1: item 0 at offset 2 is outside/);
  });

  it.each([
    ['garbage', Buffer.alloc(8192, 0x5a), /no BerkeleyDB hash magic/],
    ['a file shorter than a page', Buffer.alloc(100), /too short/],
    ['an empty file', Buffer.alloc(0), /too short/],
  ])('throws RpmFormatError for %s', (_what, bytes, message) => {
    expect(() => readBdbPackages(bytes)).toThrow(RpmFormatError);
    expect(() => readBdbPackages(bytes)).toThrow(message);
  });

  it('throws RpmFormatError for a btree database, an odd page size or a checksummed file', () => {
    const btree = buildBdb(blobs);
    btree.writeUInt32LE(0x053162, 12);
    expect(() => readBdbPackages(btree)).toThrow(/btree/);
    const odd = buildBdb(blobs);
    odd.writeUInt32LE(3000, 20);
    expect(() => readBdbPackages(odd)).toThrow(/page size 3000/);
    const sums = buildBdb(blobs);
    sums[26] = 1;
    expect(() => readBdbPackages(sums)).toThrow(/checksums/);
  });

  it('fails only with RpmFormatError, and finishes, on any mutation (property)', () => {
    const sound = buildBdb(blobs, { pageSize: 512 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(sound.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (edits) => {
          const db = Buffer.from(sound);
          for (const [at, byte] of edits) db[at] = byte;
          try {
            const result = readBdbPackages(db);
            expect(result.blobs.length).toBeLessThanOrEqual(blobs.length + 1);
          } catch (err) {
            expect(err).toBeInstanceOf(RpmFormatError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
