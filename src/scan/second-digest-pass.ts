import type { Layer } from '../image/types.js';
import type { CaptureSpec, LayerIndex } from '../layers/types.js';
import type { UnverifiedFile } from '../catalog/ownership.js';
import {
  createFileDigestsProbe,
  FILE_DIGESTS_PROBE_ID,
  type FileDigests,
} from '../catalog/probes/file-digests.js';

/** Reads one layer again with another capture spec (the indexer's limits, signal and thread pool). */
export type LayerRereader = (layer: Layer, spec: CaptureSpec) => Promise<LayerIndex>;

/**
 * The second, cheap pass of "hash only what is asked": the packaged files the first pass did not
 * give the MD5 / SHA-1 their database records (outside the package locations, or in a layer that had
 * shown another package manager) are hashed from just the layers that store them, with nothing
 * captured and the digests probe matching just those paths. Every layer is still verified against its
 * digests as it streams. Usually there is nothing to do.
 */
export async function hashUnverifiedFiles(
  layers: readonly Layer[],
  unverified: readonly UnverifiedFile[],
  reread: LayerRereader,
): Promise<void> {
  const byLayer = new Map<number, UnverifiedFile[]>();
  for (const file of unverified) {
    const list = byLayer.get(file.layer);
    if (list) list.push(file);
    else byLayer.set(file.layer, [file]);
  }
  for (const [at, files] of byLayer) {
    const layer = layers[at];
    if (layer === undefined) continue;
    const paths = new Set(files.map((f) => f.path));
    const index = await reread(layer, {
      globs: [],
      maxFileBytes: 0,
      probes: [createFileDigestsProbe({ onlyPaths: paths })],
    });
    const found = new Map<string, FileDigests>();
    const table = index.entries;
    for (let row = 0; row < table.length; row++) {
      if (!table.hasProbe(row, FILE_DIGESTS_PROBE_ID)) continue;
      const digests = table.probes(row)?.[FILE_DIGESTS_PROBE_ID] as FileDigests | undefined;
      if (digests !== undefined) found.set(table.path(row), digests); // a later duplicate wins, as in the tree
    }
    for (const file of files) file.settle(found.get(file.path));
  }
}
