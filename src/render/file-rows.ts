import { rollupKey } from '../diff/rollup.js';
import type { Changes, FileChange, FileFold } from '../diff/types.js';
import { nonPackagedChanges, plural } from './format.js';

/**
 * The rows of the non-packaged file list, shared by the markdown and the text:
 * - each fold of derived noise (trust store, caches, hardlinks of one content) is one row;
 * - with a numeric depth, the other paths are one row per directory at that depth, with counts (a
 *   directory with one changed path shows that path); with depth `all`, every path is a row;
 * - a path an Attention item names is always its own row, never hidden in a count.
 * Rows come most important first, so a budget that cuts the list keeps what matters: rows with an
 * Attention item, then added before modified before removed, then the larger change in bytes.
 */
export type FileRow =
  | { type: 'path'; change: FileChange }
  | { type: 'fold'; fold: FileFold; changes: FileChange[] }
  | { type: 'dir'; path: string; changes: FileChange[] };

/** Names a directory row lists before "+N more". */
export const DIR_ROW_NAMES = 3;

const KIND_RANK: Record<FileChange['kind'], number> = { added: 0, modified: 1, metadata: 1, removed: 2 };

function membersOf(row: FileRow): readonly FileChange[] {
  return row.type === 'path' ? [row.change] : row.changes;
}

/** Size of a change in bytes: what was added or removed, or how much a file grew or shrank. */
export function sizeOfChange(c: FileChange): number {
  return Math.abs((c.after?.size ?? 0) - (c.before?.size ?? 0));
}

/** Most important first: see the module comment. Ties by path. */
export function byImportance(changes: readonly FileChange[], noticed: ReadonlySet<string>) {
  const rank = (c: FileChange) => [noticed.has(c.path) ? 0 : 1, KIND_RANK[c.kind], -sizeOfChange(c)] as const;
  return [...changes].sort((x, y) => {
    const a = rank(x);
    const b = rank(y);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return x.path < y.path ? -1 : x.path > y.path ? 1 : 0;
  });
}

/** Paths the Attention block names. */
export function attentionPaths(changes: Changes): Set<string> {
  return new Set(changes.attention.filter((a) => a.whereKind === 'path').map((a) => a.where));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function nonPackagedRows(changes: Changes): FileRow[] {
  const noticed = attentionPaths(changes);
  const list = nonPackagedChanges(changes);
  const folds = new Map(changes.folds.map((f) => [f.id, f]));
  const folded = new Map<string, FileChange[]>();
  const rows: FileRow[] = [];
  const loose: FileChange[] = [];
  for (const c of list) {
    if (c.fold !== undefined && folds.has(c.fold) && !noticed.has(c.path)) push(folded, c.fold, c);
    else loose.push(c);
  }
  for (const [id, members] of folded)
    rows.push({ type: 'fold', fold: folds.get(id)!, changes: byImportance(members, noticed) });
  const depth = changes.options.depth;
  const byDir = new Map<string, FileChange[]>();
  for (const c of loose) {
    if (depth === 'all' || noticed.has(c.path)) rows.push({ type: 'path', change: c });
    else {
      const key = rollupKey(c.path, depth);
      push(byDir, key, c);
    }
  }
  for (const [path, members] of byDir)
    rows.push(
      members.length === 1
        ? { type: 'path', change: members[0]! }
        : { type: 'dir', path, changes: byImportance(members, noticed) },
    );
  const rankOf = (row: FileRow) => {
    const members = membersOf(row);
    return [
      members.some((c) => noticed.has(c.path)) ? 0 : 1,
      Math.min(...members.map((c) => KIND_RANK[c.kind])),
      -members.reduce((n, c) => n + sizeOfChange(c), 0),
    ];
  };
  const keyOf = (row: FileRow) =>
    row.type === 'path' ? row.change.path : row.type === 'dir' ? row.path : row.fold.path;
  return rows
    .map((row) => ({ row, rank: rankOf(row), key: keyOf(row) }))
    .sort((x, y) => {
      for (let i = 0; i < x.rank.length; i++) if (x.rank[i] !== y.rank[i]) return x.rank[i]! - y.rank[i]!;
      return x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
    })
    .map((r) => r.row);
}

/** `284 added, 1 modified` (metadata changes count as modified). */
export function changeCounts(members: readonly FileChange[]): string {
  const n = { added: 0, modified: 0, removed: 0 };
  for (const c of members) n[c.kind === 'metadata' ? 'modified' : c.kind]++;
  return (['added', 'modified', 'removed'] as const)
    .filter((k) => n[k] > 0)
    .map((k) => `${n[k]} ${k}`)
    .join(', ');
}

/**
 * What a fold is, in our own words: `trust store: 142 certificates added (285 derived paths: certificate
 * links and ca-certificates.crt)`. `bundles` is the trust store's bundle names, already rendered by the
 * caller (they are image text).
 */
export function foldSummary(fold: FileFold, bundles = ''): string {
  if (fold.kind === 'trust-store') {
    const c = fold.certificates ?? { added: 0, removed: 0, changed: 0 };
    const parts = [
      c.added > 0 ? `${plural(c.added, 'certificate')} added` : '',
      c.removed > 0 ? `${plural(c.removed, 'certificate')} removed` : '',
      c.changed > 0 ? `${plural(c.changed, 'certificate link')} changed` : '',
    ].filter((p) => p !== '');
    const what = parts.length > 0 ? parts.join(', ') : 'bundle rebuilt';
    const links = fold.paths - (fold.members?.length ?? 0);
    const derived = [links > 0 ? 'certificate links' : '', bundles].filter((p) => p !== '').join(' and ');
    return `trust store: ${what} (${fold.paths} derived ${fold.paths === 1 ? 'path' : 'paths'}${derived ? `: ${derived}` : ''})`;
  }
  if (fold.kind === 'caches')
    return `derived ${fold.paths === 1 ? 'cache' : 'caches'}, rebuilt by the tools that install packages (${plural(fold.paths, 'path')})`;
  return `${fold.paths} names of one file (hardlinks)`;
}

/** The path a directory row lists a member by: relative to the row's directory. */
export function relativeTo(dir: string, path: string): string {
  return dir === '/' || !path.startsWith(`${dir}/`) ? path : path.slice(dir.length + 1);
}

const FOLD_NAMES: Record<FileFold['kind'], string> = {
  'trust-store': 'trust store',
  caches: 'caches',
  hardlinks: 'hardlinks',
};

/**
 * How many non-packaged paths the folds hold, and what they are: `285 of them derived (trust store)`,
 * or inside parentheses already `285 derived: trust store`.
 */
export function derivedNote(changes: Changes, inner = false): string | undefined {
  if (changes.folds.length === 0) return undefined;
  const n = changes.folds.reduce((x, f) => x + f.paths, 0);
  const kinds = [...new Set(changes.folds.map((f) => FOLD_NAMES[f.kind]))];
  return inner ? `${n} derived: ${kinds.join(', ')}` : `${n} of them derived (${kinds.join(', ')})`;
}
