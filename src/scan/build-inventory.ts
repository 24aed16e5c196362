import type { Image } from '../image/types.js';
import { formatPlatform } from '../oci/platform.js';
import type { LayerIndex } from '../layers/types.js';
import { squashLayers } from '../layers/squash.js';
import type { Cataloger, ImageSummary, Inventory, Problem } from '../catalog/types.js';
import { catalogContext, runCatalogers } from '../catalog/runner.js';
import { findOsRelease, OS_RELEASE_GLOBS } from '../catalog/os/os-release.js';
import { ACCOUNT_GLOBS, readAccounts } from '../catalog/accounts/accounts.js';
import { checkLaunch } from '../catalog/launch.js';
import { resolveOwnership } from '../catalog/ownership.js';
import { dropShadowed } from '../catalog/shadowed.js';
import { readLayer } from '../layers/read-layer.js';
import { hashUnverifiedFiles, type LayerRereader } from './second-digest-pass.js';

export function summarizeImage(image: Image, indexes: readonly LayerIndex[]): ImageSummary {
  const history = (image.config.history ?? []).filter((h) => !h.empty_layer);
  const layers = image.layers.map((l, i) => {
    const idx = indexes[i];
    const createdBy = history[i]?.created_by;
    return {
      digest: l.digest,
      diffID: l.diffID,
      size: l.size >= 0 ? l.size : (idx?.compressedSize ?? 0),
      uncompressedSize: idx?.uncompressedSize ?? 0,
      ...(createdBy !== undefined ? { createdBy } : {}),
      ...(idx?.compression !== undefined ? { compression: idx.compression } : {}),
    };
  });
  const summary: ImageSummary = {
    reference: image.reference,
    manifestDigest: image.manifestDigest,
    platform: formatPlatform(image.platform),
    configDigest: image.configDigest,
    layers,
    compressedSize: layers.reduce((n, l) => n + l.size, 0),
    uncompressedSize: layers.reduce((n, l) => n + l.uncompressedSize, 0),
  };
  if (image.indexDigest) summary.indexDigest = image.indexDigest;
  if (image.config.created) summary.created = image.config.created;
  return summary;
}

/**
 * Squash an image's layer indexes, catalog the tree and decide who owns every path. `reread` reads a
 * layer again for the packaged files whose MD5 / SHA-1 the first pass did not compute (default: the
 * layer reader with its default limits).
 */
export async function buildInventory(
  image: Image,
  indexes: readonly LayerIndex[],
  catalogers: readonly Cataloger[],
  reread: LayerRereader = (layer, spec) => readLayer(layer, spec),
): Promise<Inventory> {
  const tree = squashLayers(indexes);
  const os = findOsRelease(catalogContext(tree, OS_RELEASE_GLOBS));
  const catalogued = await runCatalogers(tree, catalogers);
  const { problems, stateGlobs } = catalogued;
  const packages = dropShadowed(tree, catalogued.packages);
  const owned = resolveOwnership(tree, packages, stateGlobs);
  if (owned.unverified.length > 0) await hashUnverifiedFiles(image.layers, owned.unverified, reread);
  for (const [i, idx] of indexes.entries()) {
    for (const w of idx.warnings) {
      problems.push({ code: w.code, path: w.path ?? idx.diffID, layer: i, message: w.message });
    }
  }
  // What the squash met: hardlinks to a missing, later or directory target, entries under a file.
  for (const w of tree.warnings ?? []) {
    const problem: Problem = { code: w.code, path: w.path ?? '', message: w.message };
    if (w.layer !== undefined) problem.layer = w.layer;
    problems.push(problem);
  }
  packages.sort(
    (a, b) =>
      a.ecosystem.localeCompare(b.ecosystem) ||
      a.name.localeCompare(b.name) ||
      a.location.localeCompare(b.location),
  );
  const inventory: Inventory = {
    image: summarizeImage(image, indexes),
    config: image.config,
    packages,
    files: owned.files,
    problems: [...problems, ...owned.problems],
  };
  if (os) inventory.os = os;
  const accounts = readAccounts(catalogContext(tree, ACCOUNT_GLOBS));
  if (accounts) inventory.accounts = accounts;
  const launch = checkLaunch(tree, image.config);
  if (launch) inventory.launch = launch;
  return inventory;
}
