import { normalizeEntryPath } from './paths.js';
import type { TarEntryHeader } from './tar-reader.js';
import type { EntryType, FileEntry, LayerWarning, Whiteout } from './types.js';

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

const ENTRY_TYPES: Readonly<Record<string, EntryType>> = {
  '0': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/**
 * The FileEntry for a tar entry at an already normalised (non-whiteout) path. The tar reader has
 * already refused every type the runtimes do not extract, so every header maps to an entry.
 */
export function toFileEntry(header: TarEntryHeader, path: string, layer: string): FileEntry {
  const type = ENTRY_TYPES[header.typeflag];
  if (type === undefined)
    throw new Error(`tar reader passed an entry of type ${JSON.stringify(header.typeflag)}`);
  const entry: FileEntry = {
    path,
    type,
    mode: header.mode,
    uid: header.uid,
    gid: header.gid,
    size: type === 'file' ? header.size : 0,
    mtime: header.mtime,
  };
  if (type === 'symlink') {
    entry.link = header.linkname;
  } else if (type === 'hardlink') {
    // A hardlink names a path inside the layer; it gets the same normalisation (and `..` check).
    entry.link = normalizeEntryPath(header.linkname, layer) ?? '';
  } else if (type === 'char' || type === 'block') {
    entry.devmajor = header.devmajor;
    entry.devminor = header.devminor;
  }
  return entry;
}
