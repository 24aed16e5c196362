import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../world/world.js';
import { buildOnce } from '../world/build-once.js';

/** Runtime test images (see build-runtime-images.sh), built once into their own cache folder. */
export const runtimesDir = join(repoRoot, '.cache', 'runtimes');
const script = join(repoRoot, '__tests__', 'runtimes', 'build-runtime-images.sh');

export type RuntimeTag = 'runtimes-old' | 'runtimes-new' | 'self-named' | 'ruby' | 'java-apps';
export const runtimeRef = (tag: RuntimeTag): string => `oci:${join(runtimesDir, 'layout')}:${tag}`;
export const truth = (name: string): string => readFileSync(join(runtimesDir, 'truth', name), 'utf8');

/** Builds the images unless a build from the same script is already there. Needs root and the network. */
export function ensureRuntimeImages(): void {
  buildOnce(script, runtimesDir, 'the runtime test images');
}
