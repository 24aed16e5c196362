import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import type { EntryType, FileTree, TreeEntry } from '../../src/layers/types.js';
import type { CatalogContext } from '../../src/catalog/types.js';
import { catalogContext as runnerContext } from '../../src/catalog/runner.js';

/** One path of an in-memory image tree. `type` defaults to 'file' when content is given, else 'dir'. */
export interface TreeSpec {
  path: string;
  type?: EntryType;
  content?: string | Buffer;
  mode?: number;
  /** Symlink target (as stored) or hardlink target path. */
  link?: string;
  layer?: number;
  uid?: number;
  gid?: number;
  probes?: Record<string, unknown>;
}

export interface TreeOptions {
  /** Only files matching these globs are captured (as the layer reader would); default: every file with content. */
  captureGlobs?: readonly string[];
  /** Add missing parent directories (default true), as a real layer would hold them. */
  addParents?: boolean;
}

/** Build a squashed FileTree from a list of paths, computing sizes and SHA-256 like the layer reader. */
export function buildTree(specs: readonly TreeSpec[], options: TreeOptions = {}): FileTree {
  const entries = new Map<string, TreeEntry>();
  const captured = new Map<string, { content: Buffer; layer: number }>();
  const capture = options.captureGlobs ? picomatch([...options.captureGlobs], { dot: true }) : () => true;
  for (const spec of specs) {
    const path = spec.path.replace(/^\/+/, '').replace(/\/+$/, '');
    const type: EntryType = spec.type ?? (spec.content !== undefined ? 'file' : 'dir');
    const content = spec.content === undefined ? undefined : Buffer.from(spec.content);
    const layer = spec.layer ?? 0;
    const entry: TreeEntry = {
      path,
      type,
      mode: spec.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644),
      uid: spec.uid ?? 0,
      gid: spec.gid ?? 0,
      size: content?.length ?? 0,
      layer,
    };
    if (content && (type === 'file' || type === 'hardlink'))
      entry.sha256 = createHash('sha256').update(content).digest('hex');
    if (spec.link !== undefined) entry.link = spec.link;
    if (spec.probes) entry.probes = spec.probes;
    entries.set(path, entry);
    if (content && type === 'file' && capture(path)) captured.set(path, { content, layer });
  }
  if (options.addParents !== false) {
    for (const path of [...entries.keys()]) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (!entries.has(dir))
          entries.set(dir, { path: dir, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 });
      }
    }
  }
  return { entries, captured };
}

/**
 * A CatalogContext over a tree, as the cataloger runner hands it to a cataloger whose globs are `globs`
 * (default: every captured file).
 */
export function contextOf(tree: FileTree, globs: readonly string[] = ['**']): CatalogContext {
  return runnerContext(tree, globs);
}

/** Shorthand: a context straight from specs, for a cataloger with `options.captureGlobs` (default: all). */
export function catalogContext(specs: readonly TreeSpec[], options: TreeOptions = {}): CatalogContext {
  return contextOf(buildTree(specs, options), options.captureGlobs);
}

/**
 * TreeSpecs for a real directory on disk (files with content, symlinks, dirs), placed under `prefix`:
 * e.g. this repository's own node_modules/<pkg> as an image would hold it.
 */
export function specsFromDir(dir: string, prefix: string): TreeSpec[] {
  const out: TreeSpec[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const d of readdirSync(abs, { withFileTypes: true })) {
      const a = join(abs, d.name);
      const r = `${rel}/${d.name}`;
      if (d.isSymbolicLink()) out.push({ path: r, type: 'symlink', link: readlinkSync(a) });
      else if (d.isDirectory()) {
        out.push({ path: r, type: 'dir' });
        walk(a, r);
      } else if (d.isFile()) out.push({ path: r, content: readFileSync(a), mode: statSync(a).mode & 0o7777 });
    }
  };
  walk(dir, prefix);
  return out;
}
