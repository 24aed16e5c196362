import type { FileChange, RollupRow } from './types.js';

/** Name of the rollup row of files at the top of the image when grouping by directory. */
export const ROOT_ROW = '/';

/**
 * The rollup key of a path: its first `depth` directory components (`usr/local/bin/x` at depth 2 is
 * `usr/local`; `etc/passwd` at depth 2 is `etc`, a file right under `/` is `/`), or the path itself
 * for depth `all`. Rows are directories, so a row never looks like a file.
 */
export function rollupKey(path: string, depth: number | 'all'): string {
  if (depth === 'all') return path;
  const dirs = path.split('/').slice(0, -1);
  const n = Math.max(0, Math.floor(depth));
  return n === 0 || dirs.length === 0 ? ROOT_ROW : dirs.slice(0, n).join('/');
}

/** Counts per rollup key (metadata-only changes count as modified), sorted by path. */
export function rollUp(changes: readonly FileChange[], depth: number | 'all'): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const c of changes) {
    const key = rollupKey(c.path, depth);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { path: key, added: 0, removed: 0, modified: 0 }));
    if (c.kind === 'added') row.added++;
    else if (c.kind === 'removed') row.removed++;
    else row.modified++;
  }
  return [...rows.values()].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
