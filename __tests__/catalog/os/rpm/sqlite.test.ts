import { describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { RpmFormatError } from '../../../../src/catalog/os/rpm/format-error.js';
import { looksLikeSqlite, readSqlitePackages } from '../../../../src/catalog/os/rpm/sqlite.js';
import { packageHeader } from '../../../helpers/rpm-db.js';

/** A real SQLite file (written by SQLite itself, in WebAssembly) with rpm's Packages table. */
async function sqliteDb(rows: Array<[number, Uint8Array | null]>, table = 'Packages'): Promise<Buffer> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE '${table}' ('hnum' INTEGER PRIMARY KEY AUTOINCREMENT, 'blob' BLOB)`);
  for (const [hnum, blob] of rows) db.run(`INSERT INTO '${table}' VALUES (?, ?)`, [hnum, blob]);
  const bytes = Buffer.from(db.export());
  db.close();
  return bytes;
}

const blobs = [
  packageHeader({ name: 'glibc', version: '2.34', release: '83.el9', arch: 'aarch64' }),
  packageHeader({ name: 'tzdata', version: '2023c', release: '1.el9', arch: 'noarch' }),
];

describe('readSqlitePackages', () => {
  it('reads the blob column of Packages in hnum order', async () => {
    const db = await sqliteDb([
      [7, blobs[1]!],
      [3, blobs[0]!],
    ]);
    expect(looksLikeSqlite(db)).toBe(true);
    const result = await readSqlitePackages(db);
    expect(result.damage).toEqual([]);
    expect(result.blobs.map((b) => b.key)).toEqual([3, 7]);
    expect(result.blobs.map((b) => Buffer.from(b.blob))).toEqual([blobs[0], blobs[1]]);
  });

  it('reports a row without a blob as damage and reads the others', async () => {
    const result = await readSqlitePackages(
      await sqliteDb([
        [1, null],
        [2, blobs[0]!],
      ]),
    );
    expect(result.damage).toEqual(['row 1 has no header blob']);
    expect(result.blobs.map((b) => b.key)).toEqual([2]);
  });

  it('throws RpmFormatError when the file is not SQLite at all', async () => {
    await expect(readSqlitePackages(Buffer.from('not a database, just text'))).rejects.toThrow(
      RpmFormatError,
    );
    await expect(readSqlitePackages(Buffer.alloc(0))).rejects.toThrow(/no SQLite magic/);
  });

  it("throws RpmFormatError with SQLite's message when the magic is followed by garbage", async () => {
    const fake = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4096, 0x33)]);
    await expect(readSqlitePackages(fake)).rejects.toThrow(RpmFormatError);
    await expect(readSqlitePackages(fake)).rejects.toThrow(/file is not a database/);
  });

  it('throws RpmFormatError when the database has no Packages table', async () => {
    await expect(readSqlitePackages(await sqliteDb([[1, blobs[0]!]], 'Other'))).rejects.toThrow(
      /no such table: Packages/,
    );
  });

  it('throws RpmFormatError for a truncated database', async () => {
    const db = await sqliteDb(
      Array.from({ length: 200 }, (_, i) => [i + 1, blobs[i % 2]!] as [number, Uint8Array]),
    );
    await expect(readSqlitePackages(db.subarray(0, Math.floor(db.length / 2)))).rejects.toThrow(
      RpmFormatError,
    );
  });
});
