import type { Header } from 'tar-stream';
import { ImageChangelogError } from '../util/errors.js';
import { layerCorrupt } from './layer-errors.js';
import { normalizeEntryPath } from './paths.js';
import type { EntryType, FileEntry, LayerWarning, Whiteout } from './types.js';

const ENTRY_TYPES: Readonly<Record<string, EntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
/** aufs bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): neither files nor whiteouts. */
const AUFS_META_PREFIX = '.wh..wh.';

/**
 * A whiteout for a normalised path whose basename starts with `.wh.`, or null when it is aufs
 * metadata or names nothing sensible (a warning says so). The root's opaque marker gives path ''.
 */
export function toWhiteout(path: string, warnings: LayerWarning[]): Whiteout | null {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const base = path.slice(slash + 1);
  if (base === OPAQUE_MARKER) return { path: dir, kind: 'opaque' };
  // aufs metadata, or a file inside an aufs metadata directory.
  if (base.startsWith(AUFS_META_PREFIX) || !base.startsWith(WHITEOUT_PREFIX)) return null;
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') {
    warnings.push({
      code: 'INVALID_WHITEOUT',
      path,
      message: `whiteout ${JSON.stringify(path)} names no file; ignored`,
    });
    return null;
  }
  return { path: dir === '' ? name : `${dir}/${name}`, kind: 'file' };
}

/** True when a path is a whiteout or lies inside aufs metadata (a `.wh..wh.*` directory). */
export function isWhiteoutPath(path: string): boolean {
  if (!path.includes(WHITEOUT_PREFIX)) return false;
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    base.startsWith(WHITEOUT_PREFIX) ||
    path.startsWith(AUFS_META_PREFIX) ||
    path.includes(`/${AUFS_META_PREFIX}`)
  );
}

/** Types whose size field Go's archive/tar (Docker, containerd) ignores: no data follows them. */
const HEADER_ONLY_TYPES = new Set(['link', 'symlink', 'character-device', 'block-device', 'fifo']);

/**
 * Refuse headers that tar readers frame differently, so no reader can see entries we do not: a
 * header-only entry that declares data (tar-stream would swallow the next entries as its content),
 * and a PAX size that is not a plain decimal (tar-stream's parseInt reads "512abc" as 512).
 */
export function checkFraming(header: Header, layer: string): void {
  const paxSize = (header.pax as Record<string, unknown> | null | undefined)?.size;
  if (typeof paxSize === 'string' && !/^\d+$/.test(paxSize)) {
    const what = `entry ${JSON.stringify(header.name)} has an invalid PAX size ${JSON.stringify(paxSize.slice(0, 40))}`;
    throw layerCorrupt(layer, 'tar', new Error(what));
  }
  if (header.size > 0 && HEADER_ONLY_TYPES.has(header.type)) {
    const what = `entry ${JSON.stringify(header.name)} is a ${ENTRY_TYPES[header.type] ?? header.type} but declares ${header.size} bytes of data`;
    throw layerCorrupt(layer, 'tar', new Error(what));
  }
}

/** Numbers from the PAX record override the ustar field (large uids, sub-second mtimes). */
function paxNumber(pax: unknown, key: string): number | undefined {
  if (pax === null || typeof pax !== 'object') return undefined;
  const raw = (pax as Record<string, unknown>)[key];
  if (typeof raw !== 'string') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function checkedNumber(value: number, field: string, path: string, layer: string): number {
  if (Number.isFinite(value) && value >= 0) return value;
  throw new ImageChangelogError(
    'LAYER_CORRUPT',
    `layer ${layer} is corrupt: tar entry ${JSON.stringify(path)} has an invalid ${field}`,
    {
      subject: layer,
    },
  );
}

/**
 * The FileEntry for a tar header at an already normalised (non-whiteout) path, or null for a type we
 * do not model (GNU sparse, volume labels...), which is skipped with a warning.
 */
export function toFileEntry(
  header: Header,
  path: string,
  layer: string,
  warnings: LayerWarning[],
): FileEntry | null {
  const type = ENTRY_TYPES[header.type as string];
  if (type === undefined) {
    warnings.push({
      code: 'UNSUPPORTED_ENTRY_TYPE',
      path,
      message: `tar entry ${JSON.stringify(path)} has unsupported type ${String(header.type)}; skipped`,
    });
    return null;
  }
  const pax = header.pax;
  const uid = checkedNumber(paxNumber(pax, 'uid') ?? header.uid, 'uid', path, layer);
  const gid = checkedNumber(paxNumber(pax, 'gid') ?? header.gid, 'gid', path, layer);
  const mode = checkedNumber(header.mode, 'mode', path, layer) & 0o7777;
  const entry: FileEntry = { path, type, mode, uid, gid, size: type === 'file' ? header.size : 0 };
  const mtime = paxNumber(pax, 'mtime') ?? header.mtime.getTime() / 1000;
  if (Number.isFinite(mtime)) entry.mtime = Math.floor(mtime);
  if (type === 'symlink') {
    entry.link = header.linkname ?? '';
  } else if (type === 'hardlink') {
    // A hardlink names a path inside the layer; it gets the same normalisation (and `..` check).
    entry.link = normalizeEntryPath(header.linkname ?? '', layer) ?? '';
  } else if (type === 'char' || type === 'block') {
    entry.devmajor = header.devmajor;
    entry.devminor = header.devminor;
  }
  return entry;
}
