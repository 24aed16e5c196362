import { globMatcher, type GlobMatcher } from '../util/glob.js';
import type { FileTree } from '../layers/types.js';
import type { CatalogContext, CatalogFile, CatalogResult, Cataloger } from './types.js';
import { compareByPath } from '../util/code-unit-order.js';

/**
 * The cataloger runner. Each cataloger declares the files it reads (`globs`); the layer reader captures
 * their union, and this runner hands each cataloger exactly the captured files its own globs matched,
 * each with the layer that last wrote it. A cataloger never matches globs itself.
 */

const matchers = new WeakMap<readonly string[], GlobMatcher>();

/**
 * Whether `globs` select `path`: the one test the runner applies (and the layer reader's capture, over
 * the union). `dot: true` because language packages often sit in `.venv`, `.npm` and similar.
 */
export function globsSelect(globs: readonly string[], path: string): boolean {
  let matcher = matchers.get(globs);
  if (matcher === undefined) {
    matcher = globs.length === 0 ? () => false : globMatcher(globs, { dot: true });
    matchers.set(globs, matcher);
  }
  return matcher(path);
}

/** The captured files of `tree` that `globs` select, sorted by path. */
export function selectFiles(tree: FileTree, globs: readonly string[]): CatalogFile[] {
  if (globs.length === 0) return [];
  const out: CatalogFile[] = [];
  for (const [path, { content, layer }] of tree.captured)
    if (globsSelect(globs, path)) out.push({ path, layer, content });
  return out.sort(compareByPath);
}

/** What a reader with these globs sees of `tree`: the tree, and the captured files its globs selected. */
export function catalogContext(tree: FileTree, globs: readonly string[]): CatalogContext {
  const files = selectFiles(tree, globs);
  const byPath = new Map(files.map((f) => [f.path, f]));
  return { tree, files, file: (path) => byPath.get(path) };
}

export interface CatalogRun {
  packages: CatalogResult['packages'];
  problems: CatalogResult['problems'];
  /** Every cataloger's state globs, the declared ones and those it found in the image. */
  stateGlobs: string[];
}

/** Runs every cataloger over the squashed tree; a cataloger that throws becomes a problem, not a crash. */
export async function runCatalogers(tree: FileTree, catalogers: readonly Cataloger[]): Promise<CatalogRun> {
  const run: CatalogRun = { packages: [], problems: [], stateGlobs: [] };
  for (const c of catalogers) {
    run.stateGlobs.push(...c.stateGlobs);
    try {
      const r = await c.catalog(catalogContext(tree, c.globs));
      run.packages.push(...r.packages);
      run.problems.push(...r.problems);
      if (r.stateGlobs) run.stateGlobs.push(...r.stateGlobs);
    } catch (err) {
      run.problems.push({
        code: 'CATALOGER_FAILED',
        path: c.globs[0] ?? c.id,
        message: `${c.id} cataloger failed: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  return run;
}
