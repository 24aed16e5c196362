import type { FileList, InventoryFile } from '../catalog/types.js';
import { alongside } from '../catalog/file-list.js';
import { comparePackageIds } from '../catalog/package-id.js';
import { capabilitiesText } from '../layers/capabilities.js';
import type { FileAspect, FileChange, FileState } from './types.js';

/**
 * File changes between two trees (before empty for a first release), sorted by path (code-unit
 * order, the lists' own). Over two squashed trees, unchanged paths are passed over on the columns.
 *
 * What counts, and why (noise is the enemy of a changelog):
 * - Regular files compare by content digest (and size); symlinks by target; a change of type is a
 *   modification. A hard link is only another name for content: file <-> hardlink with the same
 *   content, or a hardlink now pointing at another name of the same content, is no change.
 * - mode (including setuid/setgid/sticky), uid, gid and xattr (file capability) changes alone are
 *   `metadata` changes. Symlink
 *   modes are ignored (Linux ignores them and tar tools write them differently).
 * - Directories: a mode/owner change is reported (a world-writable or setgid directory matters); an
 *   added or removed directory only when it is empty in its image (a mount point, a volume, a state
 *   dir). A directory with content is described by its files' changes.
 */
export function diffFiles(before: FileList, after: FileList): FileChange[] {
  const out: FileChange[] = [];
  for (const [b, a] of alongside(before, after)) {
    if (a === undefined) {
      if (b === undefined || (b.type === 'dir' && before.holdsEntries(b.path))) continue;
      out.push(attribute({ path: b.path, kind: 'removed', aspects: [], before: state(b) }, b));
    } else if (b === undefined) {
      if (a.type === 'dir' && after.holdsEntries(a.path)) continue;
      out.push(attribute({ path: a.path, kind: 'added', aspects: [], after: state(a) }, a));
    } else {
      const aspects = compareEntries(b, a);
      if (aspects.length === 0) continue;
      const modified = aspects.some((x) => x === 'content' || x === 'type' || x === 'link');
      const kind = modified ? 'modified' : 'metadata';
      out.push(attribute({ path: a.path, kind, aspects, before: state(b), after: state(a) }, a));
    }
  }
  return out;
}

/** Regular content: files, and hardlinks (which carry their target's content after squash). */
function kindOf(type: InventoryFile['type']): string {
  return type === 'hardlink' ? 'file' : type;
}

function compareEntries(b: InventoryFile, a: InventoryFile): FileAspect[] {
  const aspects: FileAspect[] = [];
  const type = kindOf(a.type);
  if (kindOf(b.type) !== type) aspects.push('type');
  else if (type === 'file') {
    if ((b.sha256 ?? '') !== (a.sha256 ?? '')) aspects.push('content');
  } else if (type === 'symlink') {
    if ((b.link ?? '') !== (a.link ?? '')) aspects.push('link');
  } else if (
    (type === 'char' || type === 'block') &&
    (b.devmajor !== a.devmajor || b.devminor !== a.devminor)
  ) {
    aspects.push('type');
  }
  if (type === 'file' && b.size !== a.size) aspects.push('size');
  if (type !== 'symlink' && (b.mode & 0o7777) !== (a.mode & 0o7777)) aspects.push('mode');
  if (b.uid !== a.uid) aspects.push('uid');
  if (b.gid !== a.gid) aspects.push('gid');
  if (xattrKey(b) !== xattrKey(a)) aspects.push('xattrs');
  return aspects;
}

/** Xattrs in one comparable string (names sorted), '' when there are none. */
function xattrKey(f: InventoryFile): string {
  if (f.xattrs === undefined) return '';
  return JSON.stringify(Object.entries(f.xattrs).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

export function state(f: InventoryFile): FileState {
  const s: FileState = { type: f.type, mode: f.mode, uid: f.uid, gid: f.gid, size: f.size, layer: f.layer };
  if (f.sha256 !== undefined) s.sha256 = f.sha256;
  if (f.link !== undefined) s.link = f.link;
  const capabilities = capabilitiesText(f.xattrs);
  if (capabilities !== undefined) s.capabilities = capabilities;
  if (f.xattrs !== undefined) s.xattrs = Object.keys(f.xattrs).sort();
  return s;
}

/**
 * Ownership and owners from the entry of the new image when the path is still there, else from the old
 * one (a file left behind by a removed package is non-packaged now, and says so).
 */
function attribute(change: Omit<FileChange, 'owners' | 'ownership'>, entry: InventoryFile): FileChange {
  const owners = [...(entry.owners ?? [])].sort(comparePackageIds);
  const c: FileChange = { ...change, owners, ownership: entry.ownership };
  if (change.after !== undefined && entry.modifiedAfterInstall === true) c.modifiedAfterInstall = true;
  return c;
}
