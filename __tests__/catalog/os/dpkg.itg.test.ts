import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dpkgCataloger } from '../../../src/catalog/os/dpkg.js';
import { OS_RELEASE_GLOBS, findOsRelease } from '../../../src/catalog/os/os-release.js';
import { fsCatalogContext } from '../../helpers/fs-context.js';
import { world } from '../../world/world.js';

const ADMINDIR = '/var/lib/dpkg';
const available = existsSync(`${ADMINDIR}/status`) && hasDpkgQuery();
if (!available)
  console.warn('no dpkg database or dpkg-query on this machine: skipping the dpkg ground-truth test');

function hasDpkgQuery(): boolean {
  try {
    execFileSync('dpkg-query', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Installed per dpkg itself: status abbreviation's second letter i (installed), W or t (triggers). */
function dpkgQuery(
  admindir = ADMINDIR,
): Array<{ name: string; version: string; arch: string; source: string; sourceVersion: string }> {
  const format =
    '${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\t${source:Package}\\t${source:Version}\\n';
  const out = execFileSync('dpkg-query', [`--admindir=${admindir}`, '-W', '-f', format], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'))
    .filter((f) => ['i', 'W', 't'].includes((f[3] ?? '').charAt(1)))
    .map(([name = '', version = '', arch = '', , source = '', sourceVersion = '']) => ({
      name,
      version,
      arch,
      source,
      sourceVersion,
    }));
}

describe.skipIf(!available)('dpkg cataloger on this machine', () => {
  const ctx = fsCatalogContext('/', dpkgCataloger.globs);

  it('finds exactly the packages dpkg-query reports installed, with versions and architectures', async () => {
    const truth = dpkgQuery();
    const result = await dpkgCataloger.catalog(ctx);
    const ours = result.packages.map((p) => `${p.name}\t${p.version}\t${p.arch ?? ''}`).sort();
    const theirs = truth.map((t) => `${t.name}\t${t.version}\t${t.arch}`).sort();
    expect(theirs.length).toBeGreaterThan(50);
    expect(ours).toEqual(theirs);
    expect(result.problems).toEqual([]);
  });

  it('names the same source package and version as dpkg-query', async () => {
    const truth = new Map(dpkgQuery().map((t) => [`${t.name}:${t.arch}`, `${t.source} ${t.sourceVersion}`]));
    const result = await dpkgCataloger.catalog(ctx);
    for (const p of result.packages) {
      expect(`${p.source?.name} ${p.source?.version}`, p.name).toBe(truth.get(`${p.name}:${p.arch}`));
    }
  });

  it('owns every path dpkg -L lists for a sample of packages, diverted files where the diversion put them', async () => {
    const result = await dpkgCataloger.catalog(ctx);
    const step = Math.max(1, Math.floor(result.packages.length / 25));
    const diverted = new Set(['libpq-dev', 'linux-perf', 'dash', 'bash']); // diverted or diverting, when installed
    const sample = result.packages.filter((p, i) => i % step === 0 || diverted.has(p.name));
    for (const pkg of sample) {
      const query = pkg.arch === 'all' || !pkg.arch ? pkg.name : `${pkg.name}:${pkg.arch}`;
      expect(pkg.files.length, pkg.name).toBeGreaterThan(0);
      const expected = dpkgList(query);
      const owned = new Set(pkg.files.map((f) => f.path));
      expect(
        expected.filter((p) => !owned.has(p)),
        pkg.name,
      ).toEqual([]);
    }
  });
});

const WORLD = (['old', 'new', 'trixie'] as const).filter((tag) =>
  existsSync(join(world.rootfs(tag), 'var/lib/dpkg/status')),
);
if (available && WORLD.length === 0)
  console.warn('no unpacked Debian test images in .cache/world: skipping the image ground-truth test');

describe.skipIf(!available || WORLD.length === 0)('dpkg cataloger on the Debian test images', () => {
  it.each(WORLD)('finds what dpkg-query --admindir finds in the %s image', async (tag) => {
    const root = world.rootfs(tag);
    const truth = dpkgQuery(join(root, 'var/lib/dpkg'));
    const result = await dpkgCataloger.catalog(fsCatalogContext(root, dpkgCataloger.globs));
    const ours = result.packages
      .map((p) => `${p.name}\t${p.version}\t${p.arch ?? ''}\t${p.source?.name} ${p.source?.version}`)
      .sort();
    const theirs = truth
      .map((t) => `${t.name}\t${t.version}\t${t.arch}\t${t.source} ${t.sourceVersion}`)
      .sort();
    expect(theirs.length).toBeGreaterThan(50);
    expect(ours).toEqual(theirs);
    expect(result.problems).toEqual([]);
    expect(result.packages.every((p) => p.files.length > 0)).toBe(true);
  });

  it.each(WORLD)('reads the OS identity of the %s image through the etc/os-release symlink', (tag) => {
    const root = world.rootfs(tag);
    const os = findOsRelease(fsCatalogContext(root, OS_RELEASE_GLOBS));
    const expected = execFileSync(
      'sh',
      ['-c', '. "$1"; printf "%s %s" "$ID" "$VERSION_ID"', 'sh', join(root, 'usr/lib/os-release')],
      { encoding: 'utf8' },
    );
    expect(`${os?.id} ${os?.versionId}`).toBe(expected);
    expect(os?.id).toBe('debian');
  });
});

/**
 * `dpkg -L` paths without the leading slash. A path followed by "diverted by X to: P" is really at P;
 * "package diverts others to: P" concerns other packages' files and is skipped.
 */
function dpkgList(query: string): string[] {
  const lines = execFileSync('dpkg-query', [`--admindir=${ADMINDIR}`, '-L', query], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }).split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const moved = /^diverted by \S+ to: (\/.*)$/.exec(line);
    if (moved?.[1]) {
      out.pop();
      out.push(moved[1].slice(1));
    } else if (line.startsWith('/') && line !== '/.') {
      out.push(line.slice(1));
    }
  }
  return out;
}
