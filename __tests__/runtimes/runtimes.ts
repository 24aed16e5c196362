import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../world/world.js';

/** Runtime test images (see build-runtime-images.sh), built once into their own cache folder. */
export const runtimesDir = join(repoRoot, '.cache', 'runtimes');
const script = join(repoRoot, '__tests__', 'runtimes', 'build-runtime-images.sh');

export type RuntimeTag = 'runtimes-old' | 'runtimes-new' | 'self-named' | 'ruby' | 'java-apps';
export const runtimeRef = (tag: RuntimeTag): string => `oci:${join(runtimesDir, 'layout')}:${tag}`;
export const truth = (name: string): string => readFileSync(join(runtimesDir, 'truth', name), 'utf8');

/** Builds the images unless a build from the same script is already there. Needs root and the network. */
export function ensureRuntimeImages(): void {
  const stamp = join(runtimesDir, '.complete');
  const want = createHash('sha256').update(readFileSync(script)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  process.stderr.write('building the runtime test images (once; cached in .cache/runtimes)...\n');
  execFileSync('bash', [script, runtimesDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(stamp, `${want}\n`);
}
