import type {
  CatalogContext,
  CatalogResult,
  Cataloger,
  FileDigest,
  OwnedFile,
  Package,
  Problem,
} from '../types.js';
import { lines } from '../../util/lines.js';

/**
 * The apk cataloger (Alpine, Wolfi, Chainguard): `lib/apk/db/installed`, or `usr/lib/apk/db/installed`
 * where apk keeps its database under /usr. The file is stanzas of `X:value` lines separated by blank
 * lines: `P:` name, `V:` version, `A:` arch, `o:` origin, `L:` license, `C:` package checksum, `c:`
 * aports commit; then the files: `F:` a directory (with `M:` `uid:gid:mode` for it), `R:` a file in
 * the last directory (with `a:` `uid:gid:mode` and `Z:` its checksum).
 */
export const APK_DB_PATHS = ['lib/apk/db/installed', 'usr/lib/apk/db/installed'] as const;

export const apkCataloger: Cataloger = {
  id: 'apk',
  ecosystem: 'apk',
  globs: [...APK_DB_PATHS],
  // apk's database (installed, scripts.tar, triggers, lock), its package cache, and etc/apk/world:
  // apk rewrites world on every `apk add`/`apk del`, so a change there only repeats the package
  // changes the changelog already lists (hand edits to it take effect as package changes too).
  // etc/apk/repositories and etc/apk/keys are not state: where packages come from deserves review.
  stateGlobs: ['lib/apk/db/**', 'usr/lib/apk/db/**', 'lib/apk/exec/**', 'var/cache/apk/**', 'etc/apk/world'],
  catalog: catalogApk,
};

export interface ApkRecord {
  name: string;
  version: string;
  arch?: string;
  origin?: string;
  license?: string;
  /** `C:` checksum of the package's control data (identifies the exact build). */
  checksum?: string;
  commit?: string;
  /** Directories (`F:`) and files (`R:`), paths without a leading `/`. */
  files: OwnedFile[];
  /** 1-based line where the stanza starts. */
  line: number;
}

export interface ApkParse {
  records: ApkRecord[];
  errors: Array<{ line: number; message: string }>;
}

const MAX_ERRORS = 20;

/** `Q1`+base64 sha1, `Q2`+base64 sha256, or plain hex (md5, sha1, sha256 by length). */
export function decodeApkChecksum(value: string): FileDigest | undefined {
  if (value.startsWith('Q1') || value.startsWith('Q2')) {
    const b64 = value.slice(2);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
    const bytes = Buffer.from(b64, 'base64');
    if (value.startsWith('Q1') && bytes.length === 20)
      return { algorithm: 'sha1', value: bytes.toString('hex') };
    if (value.startsWith('Q2') && bytes.length === 32)
      return { algorithm: 'sha256', value: bytes.toString('hex') };
    return undefined;
  }
  if (!/^[0-9a-fA-F]+$/.test(value)) return undefined;
  const algorithm = ({ 32: 'md5', 40: 'sha1', 64: 'sha256' } as const)[value.length as 32 | 40 | 64];
  return algorithm ? { algorithm, value: value.toLowerCase() } : undefined;
}

/** `uid:gid:mode` (mode in octal) -> mode, or undefined. */
function modeOf(value: string): number | undefined {
  const m = /^\d+:\d+:([0-7]{1,6})$/.exec(value);
  return m?.[1] ? parseInt(m[1], 8) : undefined;
}

/** A relative path without `/` at either end, `.` or `..` components; undefined when unsafe. */
function cleanPath(path: string): string | undefined {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

export function parseApkInstalled(text: string): ApkParse {
  const records: ApkRecord[] = [];
  const errors: ApkParse['errors'] = [];
  let errorCount = 0;
  const error = (line: number, message: string): void => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push({ line, message });
  };

  // dir: the last F: directory; null after an F: we refused, so its R: files are refused too.
  let current:
    | {
        record: Partial<ApkRecord> & { files: OwnedFile[]; line: number };
        dir?: string | null;
        lastDir?: OwnedFile;
        lastFile?: OwnedFile;
      }
    | undefined;
  const finish = (): void => {
    if (!current) return;
    const r = current.record;
    if (r.name && r.version) records.push({ ...r, name: r.name, version: r.version });
    else error(r.line, `package stanza without ${r.name ? 'V:' : 'P:'}`);
    current = undefined;
  };

  let lineNo = 0;
  for (const line of lines(text)) {
    lineNo++;
    if (line === '') {
      finish();
      continue;
    }
    if (line.length < 2 || line.charAt(1) !== ':') {
      error(lineNo, 'line is not "X:value"');
      continue;
    }
    current ??= { record: { files: [], line: lineNo } };
    const key = line.charAt(0);
    const value = line.slice(2);
    const r = current.record;
    switch (key) {
      case 'P':
        r.name = value;
        break;
      case 'V':
        r.version = value;
        break;
      case 'A':
        r.arch = value;
        break;
      case 'o':
        r.origin = value;
        break;
      case 'L':
        r.license = value;
        break;
      case 'C':
        r.checksum = value;
        break;
      case 'c':
        r.commit = value;
        break;
      case 'F': {
        const dir = cleanPath(value);
        current.lastFile = undefined;
        if (dir === undefined) {
          current.dir = null;
          current.lastDir = undefined;
          error(lineNo, `unusable directory ${JSON.stringify(value.slice(0, 100))}`);
          break;
        }
        current.dir = dir;
        current.lastDir = { path: dir };
        r.files.push(current.lastDir);
        break;
      }
      case 'M': {
        const mode = modeOf(value);
        if (current.lastDir && mode !== undefined) current.lastDir.mode = mode;
        else
          error(
            lineNo,
            current.lastDir ? `bad directory mode ${JSON.stringify(value.slice(0, 40))}` : 'M: before any F:',
          );
        break;
      }
      case 'R': {
        const inRefusedDir = current.dir === null;
        const path =
          value.includes('/') || inRefusedDir
            ? undefined
            : cleanPath(current.dir ? `${current.dir}/${value}` : value);
        if (path === undefined) {
          current.lastFile = undefined;
          error(lineNo, `unusable file name ${JSON.stringify(value.slice(0, 100))}`);
          break;
        }
        current.lastFile = { path };
        r.files.push(current.lastFile);
        break;
      }
      case 'a': {
        const mode = modeOf(value);
        if (current.lastFile && mode !== undefined) current.lastFile.mode = mode;
        else
          error(
            lineNo,
            current.lastFile ? `bad file mode ${JSON.stringify(value.slice(0, 40))}` : 'a: before any R:',
          );
        break;
      }
      case 'Z': {
        const digest = decodeApkChecksum(value);
        if (!current.lastFile) error(lineNo, 'Z: before any R:');
        else if (!digest) error(lineNo, `unreadable checksum ${JSON.stringify(value.slice(0, 100))}`);
        else current.lastFile.digest = digest;
        break;
      }
      default:
        break; // S: I: T: U: m: t: D: p: i: r: q: k: and future fields carry nothing we report
    }
  }
  finish();
  if (errorCount > errors.length)
    errors.push({ line: 0, message: `${errorCount - errors.length} more problems not listed` });
  return { records, errors };
}

function catalogApk(ctx: CatalogContext): CatalogResult {
  const problems: Problem[] = [];
  const found = APK_DB_PATHS.map((p) => ctx.file(p)).filter((f) => f !== undefined);
  const db = found[0];
  if (!db) return { packages: [], problems };
  const { path: chosen, layer } = db;
  for (const other of found.slice(1)) {
    problems.push({
      code: 'APKDB_IGNORED',
      path: other.path,
      layer: other.layer,
      message: `apk database ${other.path} not read: ${chosen} is the one apk uses`,
    });
  }
  const parsed = parseApkInstalled(db.content.toString('utf8'));
  for (const e of parsed.errors) {
    problems.push({
      code: 'APKDB_SYNTAX',
      path: chosen,
      layer,
      message: e.line > 0 ? `line ${e.line}: ${e.message}` : e.message,
    });
  }
  const packages = parsed.records.map((r): Package => {
    const pkg: Package = {
      ecosystem: 'apk',
      name: r.name,
      version: r.version,
      location: chosen,
      layer,
      files: r.files,
    };
    if (r.arch) pkg.arch = r.arch;
    if (r.origin) pkg.source = { name: r.origin, version: r.version };
    if (r.license) pkg.license = r.license;
    const metadata: Record<string, string> = {};
    if (r.checksum) metadata.checksum = r.checksum;
    if (r.commit) metadata.commit = r.commit;
    if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
    return pkg;
  });
  return { packages, problems };
}
