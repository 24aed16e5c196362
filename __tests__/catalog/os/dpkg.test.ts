import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { dpkgCataloger } from '../../../src/catalog/os/dpkg.js';
import { parseDpkgStatus } from '../../../src/catalog/os/dpkg-status.js';
import type { CatalogResult, Package } from '../../../src/catalog/types.js';
import { fsCatalogContext, memoryCatalogContext } from '../../helpers/fs-context.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/dpkg');
const STATUS = 'var/lib/dpkg/status';

async function catalogDir(dir: string): Promise<CatalogResult> {
  return dpkgCataloger.catalog(fsCatalogContext(join(FIXTURES, dir), dpkgCataloger.globs));
}

function byName(result: CatalogResult, name: string): Package {
  const pkg = result.packages.find((p) => p.name === name);
  if (!pkg) throw new Error(`no package ${name}`);
  return pkg;
}

describe('dpkgCataloger', () => {
  it('asks for the status file, status.d, info lists, md5sums, conffiles, diversions and the chisel manifest', () => {
    expect(dpkgCataloger.globs).toEqual(
      expect.arrayContaining([
        'var/lib/dpkg/status',
        'var/lib/dpkg/status.d/*',
        'var/lib/dpkg/info/*.list',
        'var/lib/dpkg/info/*.md5sums',
        'var/lib/dpkg/info/*.conffiles',
        'var/lib/dpkg/diversions',
        'var/lib/chisel/manifest.wall',
      ]),
    );
    expect(dpkgCataloger.stateGlobs).toEqual(
      expect.arrayContaining(['var/lib/dpkg/**', 'var/lib/apt/**', 'var/cache/debconf/**']),
    );
    expect(dpkgCataloger.stateGlobs).not.toContain('etc/apt/**');
  });

  describe('status file', () => {
    it('lists only installed stanzas, held and deinstall-marked ones included, when states vary', async () => {
      const r = await catalogDir('debian');
      expect(r.packages.map((p) => p.name).sort()).toEqual([
        'base-files',
        'bash',
        'held-pkg',
        'leaving-pkg',
        'libc6',
        'sed',
        'zlib1g',
      ]);
      const notInstalled = r.problems.find((p) => p.code === 'DPKG_NOT_INSTALLED');
      expect(notInstalled?.message).toContain('broken-pkg (half-installed)');
      expect(notInstalled?.message).toContain('unpacked-pkg (unpacked)');
      expect(notInstalled?.message).not.toContain('removed-pkg');
    });

    it('keeps epochs, architectures and source packages with their versions', async () => {
      const r = await catalogDir('debian');
      expect(byName(r, 'zlib1g')).toMatchObject({
        version: '1:1.2.13.dfsg-1',
        arch: 'amd64',
        source: { name: 'zlib', version: '1:1.2.13.dfsg-1' },
      });
      expect(byName(r, 'bash').source).toEqual({ name: 'bash', version: '5.2.15-2' });
      expect(byName(r, 'sed').source).toEqual({ name: 'sed', version: '4.9-1' });
      expect(byName(r, 'held-pkg')).toMatchObject({
        version: '1:1.0-2',
        arch: 'all',
        source: { name: 'held-src', version: '0.9-2' },
      });
      expect(byName(r, 'sed')).toMatchObject({ ecosystem: 'dpkg', location: STATUS, layer: 0 });
    });

    it('reads owned paths from <pkg>.list and <pkg>:<arch>.list with directories and without a leading slash', async () => {
      const r = await catalogDir('debian');
      const zlib = byName(r, 'zlib1g').files.map((f) => f.path);
      expect(zlib).toContain('lib/x86_64-linux-gnu/libz.so.1.2.13');
      expect(zlib).toContain('usr/share/doc/zlib1g'); // a directory: kept, ownership ignores it
      expect(zlib).not.toContain('');
      expect(zlib.every((p) => !p.startsWith('/'))).toBe(true);
      expect(byName(r, 'base-files').files.length).toBeGreaterThan(5);
    });

    it('attaches md5 digests from md5sums and marks conffiles with their recorded md5', async () => {
      const r = await catalogDir('debian');
      const libz = byName(r, 'zlib1g').files.find((f) => f.path === 'lib/x86_64-linux-gnu/libz.so.1.2.13');
      expect(libz?.digest).toEqual({ algorithm: 'md5', value: 'c7c774d91213e966a04b2e51c787be23' });
      const debianVersion = byName(r, 'base-files').files.find((f) => f.path === 'etc/debian_version');
      expect(debianVersion).toMatchObject({
        config: true,
        digest: { algorithm: 'md5', value: '8031d1483ffa9c819e6be94c6c77fd2a' },
      });
      const ldconf = byName(r, 'libc6').files.find(
        (f) => f.path === 'etc/ld.so.conf.d/x86_64-linux-gnu.conf',
      );
      expect(ldconf?.config).toBe(true);
    });

    it('flags obsolete conffiles and keeps them owned', async () => {
      const files = byName(await catalogDir('debian'), 'held-pkg').files;
      expect(files.find((f) => f.path === 'etc/held-old.conf')).toMatchObject({
        config: true,
        obsolete: true,
      });
      expect(files.find((f) => f.path === 'etc/held.conf')?.obsolete).toBeUndefined();
    });

    it('moves diverted files to where the diversion put them, except for the diverting package', async () => {
      const r = await catalogDir('debian');
      const sed = byName(r, 'sed').files.map((f) => f.path);
      expect(sed).toContain('bin/sed.distrib');
      expect(sed).not.toContain('bin/sed');
      expect(byName(r, 'held-pkg').files.map((f) => f.path)).toContain('usr/bin/held.local'); // a local diversion
    });

    it('reports installed packages that have no file list', async () => {
      const r = await catalogDir('debian');
      expect(byName(r, 'libc6').files.length).toBeGreaterThan(0);
      const missing = r.problems.find((p) => p.code === 'DPKG_FILE_LIST_MISSING');
      expect(missing).toBeUndefined();
      const stripped = memoryCatalogContext(
        { [STATUS]: readFileSync(join(FIXTURES, 'debian', STATUS)) },
        { [STATUS]: 2 },
      );
      const r2 = await dpkgCataloger.catalog(stripped);
      expect(r2.packages).toHaveLength(7);
      expect(r2.packages.every((p) => p.layer === 2)).toBe(true);
      expect(r2.problems.find((p) => p.code === 'DPKG_FILE_LIST_MISSING')).toMatchObject({
        path: STATUS,
        layer: 2,
      });
    });
  });

  describe('alternatives', () => {
    it('classes the links update-alternatives made as state, escaped and with their usrmerge twin', async () => {
      const r = await catalogDir('debian');
      expect(r.stateGlobs).toEqual(
        expect.arrayContaining([
          'usr/bin/awk',
          'usr/share/man/man1/awk.1.gz',
          'usr/bin/nawk',
          'usr/share/man/man1/nawk.1.gz',
        ]),
      );
      expect(r.stateGlobs).toEqual(expect.arrayContaining(['bin/editor\\[1\\]', 'usr/bin/editor\\[1\\]']));
      // the choices (what the links point to) belong to their packages, not to state
      expect(r.stateGlobs).not.toContain('usr/bin/mawk');
      expect(r.stateGlobs).not.toContain('usr/bin/vi');
      expect(picomatch(r.stateGlobs ?? [])('usr/bin/editor[1]')).toBe(true);
    });
  });

  describe('distroless status.d', () => {
    it('reads one stanza a file, with or without a Status field, and owns the md5sums paths', async () => {
      const r = await catalogDir('distroless');
      expect(r.packages.map((p) => p.name).sort()).toEqual(['base-files', 'libc6', 'zlib1g']);
      const zlib = byName(r, 'zlib1g');
      expect(zlib.location).toBe('var/lib/dpkg/status.d/zlib1g');
      expect(zlib.files.find((f) => f.path === 'lib/x86_64-linux-gnu/libz.so.1.2.13')?.digest?.value).toBe(
        'c7c774d91213e966a04b2e51c787be23',
      );
      expect(byName(r, 'base-files').files.some((f) => f.config && f.path === 'etc/debian_version')).toBe(
        true,
      );
      expect(r.problems).toEqual([]);
    });

    it('skips a status.d stanza whose Status says it is not installed', async () => {
      const ctx = memoryCatalogContext({
        'var/lib/dpkg/status.d/gone': 'Package: gone\nStatus: purge ok not-installed\nVersion: 1\n',
        'var/lib/dpkg/status.d/here': 'Package: here\nVersion: 2\nArchitecture: amd64\n',
      });
      expect((await dpkgCataloger.catalog(ctx)).packages.map((p) => p.name)).toEqual(['here']);
    });
  });

  describe('chisel manifest', () => {
    it('reads packages and their paths with sha256 digests, the final one when a mutation changed it', async () => {
      const r = await catalogDir('chisel');
      expect(r.packages.map((p) => `${p.name}=${p.version}/${p.arch}`).sort()).toEqual([
        'base-files=13ubuntu10/amd64',
        'libc6=2.39-0ubuntu8.3/amd64',
      ]);
      const base = byName(r, 'base-files');
      expect(base.location).toBe('var/lib/chisel/manifest.wall');
      expect(base.metadata?.installer).toBe('chisel');
      expect(base.files.find((f) => f.path === 'etc/debian_version')).toMatchObject({
        digest: {
          algorithm: 'sha256',
          value: '3e4a1c2a9c2b0c3d4e5f60718293a4b5c6d7e8f90123456789abcdef01234567',
        },
        mode: 0o644,
      });
      expect(base.files.find((f) => f.path === 'etc/os-release')?.digest?.value).toMatch(/^bbbb/);
      // a directory shared by slices of two packages belongs to both
      expect(byName(r, 'libc6').files.map((f) => f.path)).toEqual(
        expect.arrayContaining(['etc', 'usr/lib/x86_64-linux-gnu/libc.so.6', 'lib64']),
      );
      expect(base.files.map((f) => f.path)).toContain('etc');
      expect(r.problems.map((p) => p.code)).toEqual(['CHISEL_MANIFEST_SYNTAX']); // ghost-pkg has paths but no package line
      expect(r.problems[0]?.message).toContain('ghost-pkg');
    });

    it('reports a manifest that is not zstd as a problem and keeps the dpkg packages', async () => {
      const ctx = memoryCatalogContext({
        'var/lib/chisel/manifest.wall': 'not zstd at all',
        [STATUS]: 'Package: a\nStatus: install ok installed\nVersion: 1\n',
      });
      const r = await dpkgCataloger.catalog(ctx);
      expect(r.packages.map((p) => p.name)).toEqual(['a']);
      const chisel = r.problems.filter((p) => p.path === 'var/lib/chisel/manifest.wall');
      expect(chisel).toEqual([expect.objectContaining({ code: 'CHISEL_MANIFEST_UNREADABLE' })]);
    });
  });

  describe('hostile input', () => {
    it('turns garbage into syntax problems without crashing', async () => {
      const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
      const r = await dpkgCataloger.catalog(memoryCatalogContext({ [STATUS]: garbage }));
      expect(r.packages).toEqual([]);
      expect(r.problems.length).toBeGreaterThan(0);
      expect(r.problems.length).toBeLessThanOrEqual(25);
      expect(r.problems.every((p) => p.path === STATUS)).toBe(true);
    });

    it('keeps complete stanzas and reports the broken one when the file is truncated mid-stanza', async () => {
      const text =
        'Package: ok\nStatus: install ok installed\nVersion: 1.0\n\nPackage: cut\nStatus: install ok inst';
      const r = await dpkgCataloger.catalog(memoryCatalogContext({ [STATUS]: text }));
      expect(r.packages.map((p) => p.name)).toEqual(['ok']);
      expect(r.problems.some((p) => p.code === 'DPKG_NOT_INSTALLED' || p.code === 'DPKG_STATUS_SYNTAX')).toBe(
        true,
      );
    });

    it('reports stanzas without Package or Version and a continuation line with no field', () => {
      const parsed = parseDpkgStatus(
        ' orphan continuation\nVersion: 1\n\nPackage: nover\nStatus: install ok installed\n',
      );
      expect(parsed.records).toEqual([]);
      expect(parsed.errors.map((e) => e.message)).toEqual([
        'continuation line outside a field',
        'stanza has no Package field',
        'package nover has no Version field',
      ]);
    });

    it('ignores .. escapes and bad md5sums lines in info files', async () => {
      const ctx = memoryCatalogContext({
        [STATUS]: 'Package: p\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n',
        'var/lib/dpkg/info/p.list': '/.\n/usr/../../etc/shadow\n/usr/bin/p\n',
        'var/lib/dpkg/info/p.md5sums': 'nothex  usr/bin/p\n0123456789abcdef0123456789abcdef  usr/bin/p\n',
      });
      const r = await dpkgCataloger.catalog(ctx);
      expect(r.packages[0]?.files).toEqual([
        { path: 'usr/bin/p', digest: { algorithm: 'md5', value: '0123456789abcdef0123456789abcdef' } },
      ]);
    });

    it('lists syntax problems of a huge garbage file only up to a cap', () => {
      const parsed = parseDpkgStatus('no colon here\n'.repeat(100_000));
      expect(parsed.errors.length).toBeLessThanOrEqual(21);
      expect(parsed.errors.at(-1)?.message).toMatch(/more syntax errors/);
    });
  });
});
