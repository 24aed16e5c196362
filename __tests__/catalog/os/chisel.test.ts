import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHISEL_MANIFEST_PATH, parseChiselManifest } from '../../../src/catalog/os/chisel.js';
import { dpkgCataloger } from '../../../src/catalog/os/dpkg.js';
import { memoryCatalogContext } from '../../helpers/fs-context.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/dpkg');
const manifest = readFileSync(join(FIXTURES, 'chisel/var/lib/chisel/manifest.wall'));

describe('chisel', () => {
  it('ties paths to packages through their slice names when parsing a manifest', () => {
    const m = parseChiselManifest(manifest);
    const libc = m.packages.find((p) => p.name === 'libc6');
    expect(libc).toMatchObject({
      version: '2.39-0ubuntu8.3',
      arch: 'amd64',
      debSha256: expect.stringMatching(/^0f0e/),
    });
    expect(libc?.files.find((f) => f.path === 'lib64')).toEqual({ path: 'lib64', mode: 0o777 });
    expect(libc?.files.find((f) => f.path === 'usr/lib/x86_64-linux-gnu/libc.so.6')?.mode).toBe(0o755);
  });

  it('stops at the size cap when the manifest decompresses without end', () => {
    const bomb = readFileSync(join(FIXTURES, 'bomb.wall.zst'));
    expect(bomb.length).toBeLessThan(4096);
    expect(() => parseChiselManifest(bomb, 64 * 1024)).toThrow(/over 65536 bytes/);
    // under a large enough cap the same file is a valid, empty manifest
    expect(parseChiselManifest(bomb, 2 * 1024 * 1024).packages).toEqual([]);
  });

  it('throws on data that is not zstd and on a zstd file without a jsonwall header', () => {
    expect(() => parseChiselManifest(Buffer.from('plain text'))).toThrow();
    expect(() => parseChiselManifest(new Uint8Array(0))).toThrow();
  });

  it('gives the dpkg cataloger a problem, not a crash, when the manifest is truncated', async () => {
    for (const cut of [8, 64, 200, manifest.length - 10]) {
      const ctx = memoryCatalogContext({ [CHISEL_MANIFEST_PATH]: manifest.subarray(0, cut) });
      const r = await dpkgCataloger.catalog(ctx);
      expect(r.problems.map((p) => p.code)).toContain('CHISEL_MANIFEST_UNREADABLE');
      expect(r.packages).toEqual([]);
    }
  });
});
