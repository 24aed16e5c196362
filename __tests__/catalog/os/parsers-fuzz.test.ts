import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apkCataloger, parseApkInstalled } from '../../../src/catalog/os/apk.js';
import { parseChiselManifest } from '../../../src/catalog/os/chisel.js';
import { dpkgCataloger } from '../../../src/catalog/os/dpkg.js';
import { parseDpkgDiversions, parseDpkgList, parseDpkgMd5sums } from '../../../src/catalog/os/dpkg-info.js';
import { parseDpkgStatus } from '../../../src/catalog/os/dpkg-status.js';
import { parseOsRelease } from '../../../src/catalog/os/os-release.js';
import { memoryCatalogContext } from '../../helpers/fs-context.js';

/** Lines that look like the formats (keys, separators, continuation), glued with newlines. */
const lineLike = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'Package: a',
    'Version: 1',
    'Status: install ok installed',
    ' /etc/x 0123',
    'Conffiles:',
    '',
    ' ',
    'P:x',
    'V:1',
    'F:usr',
    'R:f',
    'Z:Q1',
    'a:0:0:7',
    'M:',
    'ID="x',
    "NAME='y'",
  ),
);
/** Bytes behind a zstd frame magic, so the decoder goes past its first check. */
const zstdLike = fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, ...b));
const text = fc.array(lineLike, { maxLength: 60 }).map((lines) => lines.join('\n'));

describe('os package database parsers (fuzz)', () => {
  it('never throw and keep paths normalised when given arbitrary text', () => {
    fc.assert(
      fc.property(text, (t) => {
        parseDpkgStatus(t);
        parseOsRelease(t, 'etc/os-release');
        parseDpkgMd5sums(t);
        parseDpkgDiversions(t);
        for (const p of parseDpkgList(t))
          expect(p.startsWith('/') || p.split('/').includes('..')).toBe(false);
        for (const r of parseApkInstalled(t).records) {
          for (const f of r.files)
            expect(f.path.startsWith('/') || f.path.split('/').includes('..')).toBe(false);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('turn any database content into packages and problems, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.uint8Array({ maxLength: 200 }), async (t, bytes) => {
        const ctx = memoryCatalogContext({
          'var/lib/dpkg/status': t,
          'var/lib/dpkg/status.d/x': t,
          'var/lib/dpkg/info/a.list': t,
          'var/lib/chisel/manifest.wall': Buffer.from(bytes),
          'lib/apk/db/installed': t,
        });
        const d = await dpkgCataloger.catalog(ctx);
        const a = await apkCataloger.catalog(ctx);
        expect(Array.isArray(d.packages) && Array.isArray(a.packages)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('throws only Errors from the chisel reader when given arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), zstdLike), (bytes) => {
        try {
          parseChiselManifest(bytes, 1 << 20);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
