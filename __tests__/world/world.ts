import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the integration tier's real images live (built once, cached in an ignored folder). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const worldDir = join(repoRoot, '.cache', 'world');
const script = join(repoRoot, '__tests__', 'world', 'build-debian-images.sh');

export const world = {
  layout: join(worldDir, 'layout'),
  layoutZstd: join(worldDir, 'layout-zstd'),
  ociArchive: (tag: 'old' | 'new' | 'trixie') => join(worldDir, `${tag}.oci.tar`),
  dockerArchive: (tag: 'old' | 'new' | 'trixie') => join(worldDir, `${tag}.docker.tar`),
  rootfs: (tag: 'old' | 'new' | 'trixie') => join(worldDir, 'unpacked', tag, 'rootfs'),
  ref: (tag: 'old' | 'new' | 'trixie') => `oci:${join(worldDir, 'layout')}:${tag}`,
};

function scriptHash(): string {
  return createHash('sha256').update(readFileSync(script)).digest('hex');
}

/** Builds the Debian test images unless a build from the same script is already cached. */
export function ensureWorld(): void {
  const stamp = join(worldDir, '.complete');
  const want = scriptHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  process.stderr.write('building the Debian test images (once; cached in .cache/world)...\n');
  execFileSync('bash', [script, worldDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  execFileSync('bash', ['-c', `echo ${want} > "${stamp}"`]);
}

/** The shared real-world fixtures beside the repo, when present. */
export const sharedFixtures = resolve(repoRoot, '..', 'shared', 'fixtures');
export const hasSharedFixtures = existsSync(join(sharedFixtures, 'README.md'));
