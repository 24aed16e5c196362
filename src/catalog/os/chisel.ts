import { Decompress } from 'fzstd';
import type { OwnedFile } from '../types.js';
import { normaliseDpkgPath } from './dpkg-info.js';
import { lines } from '../../util/lines.js';

/**
 * Ubuntu chisel's manifest (`var/lib/chisel/manifest.wall`): zstd-compressed "jsonwall", one JSON
 * object per line, a header first (`{"jsonwall":"1.0","schema":"1.0","count":N}`), then sorted
 * lines of kind `package` (name, version, arch, sha256 of the .deb), `slice`, `path` (path, mode,
 * slices, sha256 as extracted, final_sha256 when a mutation script changed it, size, link) and
 * `content` (slice -> path). A slice is named `<package>_<slice>`, which ties paths to packages.
 */
export const CHISEL_MANIFEST_PATH = 'var/lib/chisel/manifest.wall';

/** Largest decompressed manifest accepted: far above a real one (~150 bytes a path), far below harm. */
export const MAX_CHISEL_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface ChiselPackage {
  name: string;
  version: string;
  arch?: string;
  /** sha256 of the .deb the slices were cut from. */
  debSha256?: string;
  files: OwnedFile[];
}

export interface ChiselManifest {
  packages: ChiselPackage[];
  /** Problems worth reporting (bad lines, paths of unknown packages); the rest is still read. */
  errors: string[];
}

/** Decompress with a cap, so a zstd bomb stops at MAX_CHISEL_MANIFEST_BYTES. */
function decompressCapped(data: Uint8Array, cap: number): Buffer {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new Decompress((chunk) => {
    total += chunk.length;
    if (total > cap) throw new RangeError(`decompressed manifest is over ${cap} bytes`);
    chunks.push(chunk);
  });
  stream.push(data, true);
  return Buffer.concat(chunks);
}

type Json = Record<string, unknown>;
const str = (o: Json, k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);

/** Throws only when the file is not a zstd jsonwall at all; the caller reports that as a problem. */
export function parseChiselManifest(compressed: Uint8Array, cap = MAX_CHISEL_MANIFEST_BYTES): ChiselManifest {
  const text = decompressCapped(compressed, cap).toString('utf8');
  const it = lines(text);
  const header = parseLine(it.next().value ?? '');
  if (!header || str(header, 'jsonwall') === undefined)
    throw new SyntaxError('first line is not a jsonwall header');
  const errors: string[] = [];
  const schema = str(header, 'schema');
  if (schema !== undefined && schema !== '1.0') errors.push(`unknown manifest schema ${schema}; read as 1.0`);

  const packages = new Map<string, ChiselPackage>();
  const paths: Json[] = [];
  let badLines = 0;
  for (const line of it) {
    if (line.trim() === '') continue;
    const obj = parseLine(line);
    if (!obj) {
      badLines++;
      continue;
    }
    const kind = str(obj, 'kind');
    if (kind === 'package') {
      const name = str(obj, 'name');
      const version = str(obj, 'version');
      if (!name || !version) {
        badLines++;
        continue;
      }
      const pkg: ChiselPackage = { name, version, files: [] };
      const arch = str(obj, 'arch');
      const sha = str(obj, 'sha256');
      if (arch) pkg.arch = arch;
      if (sha) pkg.debSha256 = sha.toLowerCase();
      packages.set(name, pkg);
    } else if (kind === 'path') {
      paths.push(obj);
    }
  }
  if (badLines > 0) errors.push(`${badLines} manifest lines could not be read`);

  const orphans = new Set<string>();
  for (const obj of paths) {
    const path = normaliseDpkgPath(str(obj, 'path') ?? '');
    const slices = Array.isArray(obj.slices)
      ? obj.slices.filter((s): s is string => typeof s === 'string')
      : [];
    if (path === undefined) continue;
    const file: OwnedFile = { path };
    // What is on disk: the content after mutation scripts when they changed it.
    const digest = str(obj, 'final_sha256') ?? str(obj, 'sha256');
    if (digest && /^[0-9a-f]{64}$/i.test(digest))
      file.digest = { algorithm: 'sha256', value: digest.toLowerCase() };
    const mode = str(obj, 'mode');
    if (mode && /^[0-7]{1,6}$/.test(mode)) file.mode = parseInt(mode, 8);
    // A path shared by slices of several packages belongs to each of them.
    for (const owner of new Set(slices.map((s) => s.split('_')[0] ?? ''))) {
      const pkg = packages.get(owner);
      if (pkg) pkg.files.push({ ...file });
      else if (owner) orphans.add(owner);
    }
  }
  if (orphans.size > 0)
    errors.push(`paths of slices without a package entry: ${[...orphans].sort().slice(0, 10).join(', ')}`);
  return { packages: [...packages.values()], errors };
}

function parseLine(line: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}
