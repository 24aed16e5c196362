import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { mkdir } from 'node:fs/promises';

/**
 * Layer indexes travel between runs in the Actions cache. The key names the layers this run saw, and
 * any earlier entry restores by prefix, so the previous release's layers (read by the last run) hit.
 */
export async function restoreLayerCache(dir: string, keyBase: string): Promise<string | undefined> {
  await mkdir(dir, { recursive: true });
  if (!cache.isFeatureAvailable()) {
    core.info('the Actions cache is not available here; layers are read from scratch');
    return undefined;
  }
  try {
    // restoreCache warns about a failed lookup or download itself and then answers undefined, as for a miss.
    const hit = await cache.restoreCache([dir], `${keyBase}-restore`, [`${keyBase}-`]);
    core.info(
      hit ? `restored layer indexes from ${hit}` : 'no layer indexes restored from the Actions cache',
    );
    return hit;
  } catch (err) {
    core.warning(`could not restore the layer index cache: ${(err as Error).message}`);
    return undefined;
  }
}

export async function saveLayerCache(
  dir: string,
  keyBase: string,
  layerDiffIDs: readonly string[],
  restoredKey: string | undefined,
): Promise<void> {
  if (!cache.isFeatureAvailable()) return;
  const layers = [...new Set(layerDiffIDs.map((id) => id.slice(7, 19)))].sort();
  const key = `${keyBase}-${layers.join('.').slice(0, 400)}`;
  if (key === restoredKey) {
    core.info('layer index cache is current');
    return;
  }
  try {
    // saveCache does not throw when the save fails (another job saved the key first, the service is
    // down): it logs why and answers -1.
    const id = await cache.saveCache([dir], key);
    core.info(id === -1 ? `layer indexes not saved as ${key}` : `saved layer indexes as ${key}`);
  } catch (err) {
    core.info(`layer index cache not saved: ${(err as Error).message}`);
  }
}
