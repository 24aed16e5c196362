import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SqlJsStatic } from 'sql.js';
import { RpmFormatError, check } from './format-error.js';
import type { HeaderBlobs } from './header-blobs.js';

/**
 * Reader for rpm's SQLite `rpmdb.sqlite` (rpm ≥ 4.16: Fedora ≥ 33, RHEL/AlmaLinux 9): the headers are
 * the `blob` column of table `Packages(hnum, blob)`.
 *
 * SQLite runs as WebAssembly (sql.js), loaded only when an image has such a database. We read the main
 * file only: rpm opens the database in WAL mode and checkpoints on close, so in images built with rpm
 * the `-wal` file is empty (the cataloger reports a non-empty one as a problem instead of reading it).
 */

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

let sqlJs: Promise<SqlJsStatic> | undefined;

/** True when the bytes start with the SQLite file magic. */
export function looksLikeSqlite(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= SQLITE_MAGIC.length && SQLITE_MAGIC.equals(bytes.subarray(0, SQLITE_MAGIC.length))
  );
}

/** Read every header blob of an `rpmdb.sqlite`; throws `RpmFormatError` when it is not one. */
export async function readSqlitePackages(bytes: Uint8Array): Promise<HeaderBlobs> {
  check(looksLikeSqlite(bytes), 'file is not a database (no SQLite magic)');
  const SQL = await loadSqlJs();
  let db: InstanceType<SqlJsStatic['Database']> | undefined;
  try {
    db = new SQL.Database(bytes);
    const statement = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum');
    const blobs: HeaderBlobs['blobs'] = [];
    const damage: string[] = [];
    try {
      while (statement.step()) {
        const [hnum, blob] = statement.get();
        if (typeof hnum === 'number' && blob instanceof Uint8Array)
          blobs.push({ key: hnum, blob: blob.slice() });
        else damage.push(`row ${String(hnum)} has no header blob`);
      }
    } finally {
      statement.free();
    }
    return { blobs, damage };
  } catch (err) {
    if (err instanceof RpmFormatError) throw err;
    // SQLite's own messages ("file is not a database", "database disk image is malformed",
    // "no such table: Packages") say what is wrong with the file.
    throw new RpmFormatError(err instanceof Error ? err.message : String(err));
  } finally {
    db?.close();
  }
}

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= (async () => {
    const { default: initSqlJs } = await import('sql.js');
    const wasm = readFileSync(locateSqlWasm());
    return initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) });
  })();
  // A failed load must not stick: the next database gets a fresh attempt.
  sqlJs.catch(() => {
    sqlJs = undefined;
  });
  return sqlJs;
}

/** The bundle ships `sql-wasm.wasm` next to dist/*.js; from source, take the one in node_modules. */
function locateSqlWasm(): string {
  const bundled = fileURLToPath(new URL('./sql-wasm.wasm', import.meta.url));
  if (existsSync(bundled)) return bundled;
  return createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
}
