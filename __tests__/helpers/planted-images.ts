import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWorld, repoRoot, worldDir } from '../world/world.js';

/** Images with one policy violation planted on top of the test world's `new` (see plant-violations.sh). */
export const plantedDir = join(repoRoot, '.cache', 'planted');
const script = join(repoRoot, '__tests__', 'world', 'plant-violations.sh');

export const PLANTED_TAGS = [
  'secrets',
  'setuid',
  'downgrade',
  'banned',
  'tamper',
  'grow',
  'root',
  'port-env',
] as const;
export type PlantedTag = (typeof PLANTED_TAGS)[number];

export const planted = {
  layout: join(plantedDir, 'layout'),
  ref: (tag: PlantedTag): string => `oci:${join(plantedDir, 'layout')}:${tag}`,
  /** The secret values planted (AWS key id, secret key, env secret): no report may repeat them. */
  secrets: (): string[] =>
    readFileSync(join(plantedDir, 'planted-secrets.txt'), 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
};

/** Builds the planted images unless a build from the same script over the same world is cached. */
export function ensurePlantedImages(): void {
  ensureWorld();
  const stamp = join(plantedDir, '.complete');
  const want = createHash('sha256')
    .update(readFileSync(script))
    .update(readFileSync(join(worldDir, '.complete')))
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  process.stderr.write('planting policy violations in the test images (once; cached in .cache/planted)...\n');
  execFileSync('bash', [script, plantedDir, worldDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(stamp, `${want}\n`);
}
