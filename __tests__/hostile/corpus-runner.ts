import { expect } from 'vitest';
import type { Layer } from '../../src/image/types.js';
import { readLayer, type ReadLayerOptions } from '../../src/layers/read-layer.js';
import { squashLayers } from '../../src/layers/squash.js';
import type { CaptureSpec, FileTree, LayerIndex, LayerWarning } from '../../src/layers/types.js';
import { ImageChangelogError } from '../../src/util/errors.js';

/** What reading (and squashing) a case's layers produced. */
export interface CorpusResult {
  indexes: LayerIndex[];
  tree: FileTree;
  /** Every warning: each layer's, then the squash's. */
  warnings: LayerWarning[];
}

/**
 * The exact behaviour expected of one bad input:
 * - `error`: reading fails with this ImageChangelogError code and a message containing `message`;
 * - `warning`: reading succeeds, this warning code is among the warnings, and `result` holds;
 * - `result` alone: reading succeeds with no warning at all, and `result` holds.
 */
export type Expectation =
  | { error: string; message: string | RegExp }
  | { warning: string; result?: (r: CorpusResult) => void }
  | { result: (r: CorpusResult) => void };

export interface LayerCase {
  name: string;
  /** The layers, bottom first (most cases have one). */
  build: () => Layer | Layer[] | Promise<Layer | Layer[]>;
  options?: ReadLayerOptions;
  spec?: CaptureSpec;
  expect: Expectation;
}

export const NO_CAPTURE: CaptureSpec = { globs: [], maxFileBytes: 0, probes: [] };

/** The codes readLayer documents; anything else escaping it is a crash. */
export const DOCUMENTED_LAYER_CODES = [
  'LAYER_CORRUPT',
  'DIGEST_MISMATCH',
  'DIFFID_MISMATCH',
  'LAYER_TOO_LARGE',
  'TOO_MANY_ENTRIES',
  'PATH_ESCAPE',
  'PATH_INVALID',
  'DIGEST_UNSUPPORTED',
] as const;

/** Fail (instead of waiting for the test timeout) when `promise` has not settled within `ms`. */
export function withinTime<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

export async function readAndSquash(
  layers: Layer[],
  spec: CaptureSpec = NO_CAPTURE,
  options: ReadLayerOptions = {},
): Promise<CorpusResult> {
  const indexes: LayerIndex[] = [];
  for (const layer of layers) indexes.push(await readLayer(layer, spec, options));
  const tree = squashLayers(indexes);
  return { indexes, tree, warnings: [...indexes.flatMap((i) => i.warnings), ...(tree.warnings ?? [])] };
}

/** Run one case and check its expectation; every case also gets a hang guard. */
export async function runLayerCase(c: LayerCase): Promise<void> {
  const built = await c.build();
  const layers = Array.isArray(built) ? built : [built];
  const outcome = await withinTime(
    readAndSquash(layers, c.spec, c.options).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ),
    10_000,
    c.name,
  );
  const want = c.expect;
  if ('error' in want) {
    expect('error' in outcome, `${c.name}: expected ${want.error}, but reading succeeded`).toBe(true);
    if (!('error' in outcome)) return;
    const err = outcome.error;
    expect(err, `${c.name}: not an ImageChangelogError: ${String(err)}`).toBeInstanceOf(ImageChangelogError);
    expect((err as ImageChangelogError).code).toBe(want.error);
    if (typeof want.message === 'string') expect((err as Error).message).toContain(want.message);
    else expect((err as Error).message).toMatch(want.message);
    return;
  }
  if ('error' in outcome) throw outcome.error;
  const { result } = outcome;
  if ('warning' in want) {
    expect(result.warnings.map((w) => w.code)).toContain(want.warning);
  } else {
    expect(result.warnings).toEqual([]);
  }
  want.result?.(result);
}

/** The paths of a squashed tree, sorted. */
export function paths(r: CorpusResult): string[] {
  return [...r.tree.entries.keys()].sort();
}
