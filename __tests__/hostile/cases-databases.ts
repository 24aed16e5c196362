import { expect } from 'vitest';
import { APK_DB_PATHS, apkCataloger, parseApkInstalled } from '../../src/catalog/os/apk.js';
import { catalogDpkg, DPKG_STATUS_PATH } from '../../src/catalog/os/dpkg.js';
import { parseDpkgStatus } from '../../src/catalog/os/dpkg-status.js';
import type { CatalogResult } from '../../src/catalog/types.js';
import { memoryCatalogContext } from '../helpers/fs-context.js';

/**
 * Hostile package databases (dpkg status, apk installed), each through the pure parser and through
 * the cataloger: problems are reported with the file's path, nothing throws. rpm is covered in
 * __tests__/catalog/os/rpm.
 */
export interface DatabaseCase {
  name: string;
  db: 'dpkg' | 'apk';
  input: () => string | Buffer;
  /** Checks on the parser's output: records and errors (line + message). */
  parsed: (p: {
    records: Array<{ name: string; version: string }>;
    errors: Array<{ line: number; message: string }>;
  }) => void;
  /** Checks on the cataloger's result over the same file. */
  cataloged: (r: CatalogResult) => void;
  /** A bug outside this area that the case reveals: the case runs as `it.fails` until it is fixed. */
  knownBug?: string;
}

const OK_DPKG = 'Package: ok\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n';
const OK_APK = 'P:ok\nV:1.0-r0\nA:x86_64\nF:usr/bin\nR:ok\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

/** Deterministic bytes that are not text: every byte value, scrambled. */
function garbage(length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const names = (r: CatalogResult): string[] => r.packages.map((p) => p.name).sort();
const codes = (r: CatalogResult): string[] => [...new Set(r.problems.map((p) => p.code))];

export const databaseCases: DatabaseCase[] = [
  {
    name: 'dpkg stanza without a Package field',
    db: 'dpkg',
    input: () => `Status: install ok installed\nVersion: 1\n\n${OK_DPKG}`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['ok']);
      expect(p.errors).toEqual([{ line: 1, message: 'stanza has no Package field' }]);
    },
    cataloged: (r) => {
      expect(names(r)).toEqual(['ok']);
      expect(
        r.problems.some((p) => p.path === DPKG_STATUS_PATH && p.message.includes('no Package field')),
      ).toBe(true);
    },
  },
  {
    name: 'dpkg status with a 1 MB single line (a Description)',
    db: 'dpkg',
    input: () => `${OK_DPKG}Description: ${'x'.repeat(1_000_000)}\n`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['ok']);
      expect(p.errors).toEqual([]);
    },
    cataloged: (r) => expect(names(r)).toEqual(['ok']),
  },
  {
    name: 'dpkg status that is one 1 MB line without a colon',
    db: 'dpkg',
    input: () => 'y'.repeat(1_000_000),
    parsed: (p) => {
      expect(p.records).toEqual([]);
      expect(p.errors).toEqual([{ line: 1, message: 'line is neither "Field: value" nor a continuation' }]);
    },
    cataloged: (r) => {
      expect(r.packages).toEqual([]);
      expect(r.problems.length).toBeGreaterThan(0);
      expect(r.problems.every((p) => p.path === DPKG_STATUS_PATH && p.message.length < 500)).toBe(true);
    },
  },
  {
    name: 'dpkg stanza of whitespace only, between two packages',
    db: 'dpkg',
    input: () => `${OK_DPKG}\n   \n\t\n \t \n\n${OK_DPKG.replace('ok', 'ok2')}`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['ok', 'ok2']);
      expect(p.errors).toEqual([]);
    },
    cataloged: (r) => expect(names(r)).toEqual(['ok', 'ok2']),
  },
  {
    name: 'dpkg status of 64 KiB binary garbage',
    db: 'dpkg',
    input: () => garbage(65_536),
    // About 256 lines of garbage: listed line by line that would be hundreds of problems.
    parsed: (p) => expect(p.errors.length).toBeLessThan(50),
    cataloged: (r) => {
      expect(r.problems.length).toBeGreaterThan(0);
      expect(r.problems.length).toBeLessThan(50);
      expect(r.problems.every((p) => p.path === DPKG_STATUS_PATH)).toBe(true);
    },
  },
  {
    name: 'dpkg status with NUL bytes and CRLF line ends',
    db: 'dpkg',
    input: () => `Package: n\0ul\r\nStatus: install ok installed\r\nVersion: 1\0\r\n\r\n`,
    parsed: (p) => expect(p.records.map((r) => r.name)).toEqual(['n\0ul']),
    cataloged: (r) => expect(r.packages.map((p) => p.version)).toEqual(['1\0']),
  },
  {
    name: 'dpkg status of 100,000 tiny stanzas without versions',
    db: 'dpkg',
    input: () => 'Package: p\nStatus: install ok installed\n\n'.repeat(100_000),
    parsed: (p) => {
      expect(p.records).toEqual([]);
      expect(p.errors.length).toBeLessThanOrEqual(21); // 20 listed, then a count, as for syntax errors
    },
    cataloged: (r) => {
      expect(r.packages).toEqual([]);
      expect(r.problems.length).toBeLessThanOrEqual(50);
    },
  },
  {
    // A whole-file split made one string per line at once (at 150 million V8 gave up: exit 133); the
    // 150-million case itself runs in catalog-lines.itg.test.ts.
    name: 'dpkg status of 3 million newlines, then one package',
    db: 'dpkg',
    input: () => `${'\n'.repeat(3_000_000)}${OK_DPKG}`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['ok']);
      expect(p.errors).toEqual([]);
    },
    cataloged: (r) => expect(names(r)).toEqual(['ok']),
  },
  {
    // Continuation lines were concatenated one by one (a rope of millions of strings).
    name: 'dpkg Description of 1 million continuation lines (one field of 2 MB)',
    db: 'dpkg',
    input: () => `${OK_DPKG}Description: d\n${' x\n'.repeat(1_000_000)}`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['ok']);
      expect(p.errors).toEqual([]);
    },
    cataloged: (r) => expect(names(r)).toEqual(['ok']),
  },
  {
    name: 'apk installed of 3 million newlines, then one package',
    db: 'apk',
    input: () => `${'\n'.repeat(3_000_000)}${OK_APK}`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['ok']);
      expect(p.errors).toEqual([]);
    },
    cataloged: (r) => expect(names(r)).toEqual(['ok']),
  },
  {
    name: 'apk Z: before any R:',
    db: 'apk',
    input: () => `P:a\nV:1\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nF:etc\nR:f\n`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['a']);
      expect(p.errors).toEqual([{ line: 3, message: 'Z: before any R:' }]);
    },
    cataloged: (r) => {
      expect(names(r)).toEqual(['a']);
      expect(r.packages[0]?.files).toEqual([{ path: 'etc' }, { path: 'etc/f' }]);
      expect(codes(r)).toEqual(['APKDB_SYNTAX']);
    },
  },
  {
    name: 'apk unknown keys and a key-less line',
    db: 'apk',
    input: () => `${OK_APK}?:what\n~:tilde\nX:future\nW:\nnot a field\n`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['ok']);
      expect(p.errors).toEqual([{ line: 11, message: 'line is not "X:value"' }]);
    },
    cataloged: (r) => expect(r.packages[0]?.files.map((f) => f.path)).toEqual(['usr/bin', 'usr/bin/ok']),
  },
  {
    name: 'apk huge counts: a size of 10^30 and 200,000 files in one package',
    db: 'apk',
    input: () => {
      const files = Array.from({ length: 200_000 }, (_, i) => `R:f${i}`).join('\n');
      return `P:big\nV:1\nS:1000000000000000000000000000000\nI:-1\nF:usr/share\n${files}\n`;
    },
    parsed: (p) => {
      expect(p.records).toHaveLength(1);
      expect(p.errors).toEqual([]);
    },
    cataloged: (r) => expect(r.packages[0]?.files).toHaveLength(200_001),
  },
  {
    name: 'apk paths that escape (F:../.., R:../x, R:a/b)',
    db: 'apk',
    input: () => `P:esc\nV:1\nF:../..\nR:x\nF:etc\nR:../x\nR:a/b\nR:ok\n`,
    parsed: (p) => expect(p.errors.map((e) => e.line)).toEqual([3, 4, 6, 7]),
    cataloged: (r) => expect(r.packages[0]?.files.map((f) => f.path)).toEqual(['etc', 'etc/ok']),
  },
  {
    name: 'apk database of 64 KiB binary garbage',
    db: 'apk',
    input: () => garbage(65_536),
    parsed: (p) => expect(p.errors.length).toBeLessThanOrEqual(21),
    cataloged: (r) => {
      expect(codes(r)).toEqual(['APKDB_SYNTAX']);
      expect(r.problems.every((p) => p.path === APK_DB_PATHS[0])).toBe(true);
    },
  },
  {
    name: 'apk stanza without P:',
    db: 'apk',
    input: () => `V:1\nA:x86_64\n\n${OK_APK}`,
    parsed: (p) => {
      expect(p.records.map((r) => r.name)).toEqual(['ok']);
      expect(p.errors).toEqual([{ line: 1, message: 'package stanza without P:' }]);
    },
    cataloged: (r) => expect(names(r)).toEqual(['ok']),
  },
];

/** Parse with the pure parser of the case's database. */
export function parseCase(c: DatabaseCase, text: string): Parameters<DatabaseCase['parsed']>[0] {
  return c.db === 'dpkg' ? parseDpkgStatus(text) : parseApkInstalled(text);
}

/** Run the cataloger over a context holding only the case's database file. */
export async function catalogCase(c: DatabaseCase, content: Buffer): Promise<CatalogResult> {
  if (c.db === 'dpkg') return catalogDpkg(memoryCatalogContext({ [DPKG_STATUS_PATH]: content }));
  return apkCataloger.catalog(memoryCatalogContext({ [APK_DB_PATHS[0]]: content }));
}
