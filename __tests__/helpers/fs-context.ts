import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';
import type { CatalogContext, FileTree, TreeEntry } from '../../src/catalog/types.js';
import type { EntryType } from '../../src/layers/types.js';
import { catalogContext } from '../../src/catalog/runner.js';

export interface FsContextOptions {
  /** Largest file captured (bytes), like CaptureSpec.maxFileBytes. Default 64 MiB. */
  maxFileBytes?: number;
  /** Also walk these directories (relative to root) into tree.entries, e.g. to resolve symlinks. */
  extraDirs?: string[];
  /** Hash every regular file walked (slow on big trees); captured files are always hashed. */
  hashAll?: boolean;
}

function typeOf(st: Stats): EntryType {
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'file';
}

/**
 * A CatalogContext over a directory on disk (a root filesystem, or `/` itself), for tests: walks
 * only the directories the globs can match (their static bases, plus `extraDirs`), records every
 * walked path as a layer-0 tree entry, and captures the regular files the globs match.
 */
export function fsCatalogContext(
  root: string,
  globs: readonly string[],
  options: FsContextOptions = {},
): CatalogContext {
  const maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
  const isMatch = picomatch([...globs], { dot: true });
  const tree = {
    entries: new Map<string, TreeEntry>(),
    captured: new Map<string, { content: Buffer; layer: number }>(),
  } satisfies FileTree;

  const visit = (rel: string): void => {
    if (rel === '' || tree.entries.has(rel)) return;
    let st: Stats;
    try {
      st = lstatSync(join(root, rel));
    } catch {
      return;
    }
    const type = typeOf(st);
    const entry: TreeEntry = {
      path: rel,
      type,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      size: type === 'file' ? st.size : 0,
      layer: 0,
    };
    if (type === 'symlink') entry.link = readlinkSync(join(root, rel));
    const captured = type === 'file' && isMatch(rel) && st.size <= maxFileBytes;
    if (captured || (type === 'file' && options.hashAll)) {
      const content = readFileSync(join(root, rel));
      entry.sha256 = createHash('sha256').update(content).digest('hex');
      if (captured) tree.captured.set(rel, { content, layer: 0 });
    }
    tree.entries.set(rel, entry);
    if (type === 'dir') {
      for (const name of readdirSync(join(root, rel)).sort()) visit(posix.join(rel, name));
    }
  };

  const bases = [...globs.map((g) => picomatch.scan(g).base), ...(options.extraDirs ?? [])];
  for (const base of bases) {
    // Record the ancestors too, so symlinked parents (usrmerge) can be resolved.
    const parts = base.split('/').filter((p) => p !== '');
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      if (tree.entries.has(rel)) continue;
      try {
        const st = lstatSync(join(root, rel));
        const entry: TreeEntry = {
          path: rel,
          type: typeOf(st),
          mode: st.mode & 0o7777,
          uid: st.uid,
          gid: st.gid,
          size: 0,
          layer: 0,
        };
        if (entry.type === 'symlink') entry.link = readlinkSync(join(root, rel));
        tree.entries.set(rel, entry);
      } catch {
        break;
      }
    }
    visit(parts.join('/'));
  }

  return catalogContext(tree, globs);
}

/** A CatalogContext over in-memory files (path -> content), all in layer 0 unless given. */
export function memoryCatalogContext(
  files: Record<string, string | Buffer>,
  layers: Record<string, number> = {},
  globs: readonly string[] = ['**'],
): CatalogContext {
  const tree = {
    entries: new Map<string, TreeEntry>(),
    captured: new Map<string, { content: Buffer; layer: number }>(),
  } satisfies FileTree;
  for (const [path, value] of Object.entries(files)) {
    const content = Buffer.from(value);
    const layer = layers[path] ?? 0;
    tree.captured.set(path, { content, layer });
    tree.entries.set(path, {
      path,
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      layer,
    });
  }
  return catalogContext(tree, globs);
}
