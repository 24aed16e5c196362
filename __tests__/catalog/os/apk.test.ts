import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apkCataloger, decodeApkChecksum, parseApkInstalled } from '../../../src/catalog/os/apk.js';
import { memoryCatalogContext } from '../../helpers/fs-context.js';

const INSTALLED = readFileSync(join(import.meta.dirname, '../../fixtures/apk/installed'));
const DB = 'lib/apk/db/installed';

describe('apk', () => {
  it('asks for both database locations and classes apk state apart', () => {
    expect(apkCataloger.globs).toEqual(['lib/apk/db/installed', 'usr/lib/apk/db/installed']);
    expect(apkCataloger.stateGlobs).toEqual(
      expect.arrayContaining(['lib/apk/db/**', 'var/cache/apk/**', 'etc/apk/world']),
    );
    expect(apkCataloger.stateGlobs).not.toContain('etc/apk/repositories');
  });

  it('reads name, version, arch, origin and license from a real Alpine database excerpt', async () => {
    const r = await apkCataloger.catalog(memoryCatalogContext({ [DB]: INSTALLED }, { [DB]: 3 }));
    expect(r.problems).toEqual([]);
    expect(r.packages.map((p) => `${p.name} ${p.version} ${p.arch}`)).toEqual([
      'musl 1.2.5-r0 x86_64',
      'busybox 1.36.1-r29 x86_64',
      'ca-certificates-bundle 20240705-r0 x86_64',
      'alpine-baselayout 3.6.5-r0 x86_64',
    ]);
    const bundle = r.packages[2]!;
    expect(bundle).toMatchObject({
      ecosystem: 'apk',
      source: { name: 'ca-certificates', version: '20240705-r0' },
      license: 'MPL-2.0 AND MIT',
      location: DB,
      layer: 3,
      metadata: {
        checksum: 'Q1qSfo0P1Jxs/3aSoRXOI37RvWKJQ=',
        commit: '5d17fc7e5ae113319f201d781607ffe4bee95b61',
      },
    });
  });

  it('places R: files in the last F: directory with their mode and sha1 from Z:', () => {
    const { records } = parseApkInstalled(INSTALLED.toString('utf8'));
    const musl = records[0]!;
    expect(musl.files).toEqual([
      { path: 'lib' },
      {
        path: 'lib/ld-musl-x86_64.so.1',
        mode: 0o755,
        digest: { algorithm: 'sha1', value: '1d903b77e2cfd10dd3cc010277e301f69d4fc505' },
      },
      {
        path: 'lib/libc.musl-x86_64.so.1',
        mode: 0o777,
        digest: expect.objectContaining({ algorithm: 'sha1' }),
      },
    ]);
    const busybox = records[1]!;
    expect(busybox.files.find((f) => f.path === 'etc/network/if-up.d/dad')?.mode).toBe(0o775);
    expect(busybox.files.find((f) => f.path === 'etc/securetty')?.mode).toBeUndefined();
  });

  it('decodes Q1 (sha1), Q2 (sha256) and hex checksums and rejects the rest', () => {
    const sha256 = Buffer.alloc(32, 0xab);
    expect(decodeApkChecksum(`Q2${sha256.toString('base64')}`)).toEqual({
      algorithm: 'sha256',
      value: 'ab'.repeat(32),
    });
    expect(decodeApkChecksum('Q1HZA7d+LP0Q3TzAECd+MB9p1PxQU=')?.algorithm).toBe('sha1');
    expect(decodeApkChecksum('D41D8CD98F00B204E9800998ECF8427E')).toEqual({
      algorithm: 'md5',
      value: 'd41d8cd98f00b204e9800998ecf8427e',
    });
    expect(decodeApkChecksum('Q1short')).toBeUndefined();
    expect(decodeApkChecksum('Q2HZA7d+LP0Q3TzAECd+MB9p1PxQU=')).toBeUndefined(); // sha1-sized Q2
    expect(decodeApkChecksum('Q1!!!!')).toBeUndefined();
    expect(decodeApkChecksum('abc')).toBeUndefined();
  });

  it('prefers lib/apk/db and reports the other database when both exist', async () => {
    const ctx = memoryCatalogContext({ [DB]: 'P:a\nV:1\n', 'usr/lib/apk/db/installed': 'P:b\nV:2\n' });
    const r = await apkCataloger.catalog(ctx);
    expect(r.packages.map((p) => p.name)).toEqual(['a']);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'APKDB_IGNORED', path: 'usr/lib/apk/db/installed' }),
    ]);
  });

  it('reads usr/lib/apk/db/installed when it is the only database', async () => {
    const r = await apkCataloger.catalog(
      memoryCatalogContext({ 'usr/lib/apk/db/installed': 'P:b\nV:2\nA:aarch64\n' }),
    );
    expect(r.packages).toEqual([
      expect.objectContaining({
        name: 'b',
        version: '2',
        arch: 'aarch64',
        location: 'usr/lib/apk/db/installed',
      }),
    ]);
  });

  describe('hostile input', () => {
    it('reports Z:, a: and M: that come before any R: or F:, and keeps the package', async () => {
      const text =
        'P:p\nV:1\nZ:Q1HZA7d+LP0Q3TzAECd+MB9p1PxQU=\na:0:0:755\nM:0:0:755\nF:usr\nR:x\nZ:garbage\na:nonsense\n';
      const r = await apkCataloger.catalog(memoryCatalogContext({ [DB]: text }));
      expect(r.packages).toEqual([
        expect.objectContaining({ name: 'p', files: [{ path: 'usr' }, { path: 'usr/x' }] }),
      ]);
      expect(r.problems.map((p) => p.message)).toEqual([
        'line 3: Z: before any R:',
        'line 4: a: before any R:',
        'line 5: M: before any F:',
        'line 8: unreadable checksum "garbage"',
        'line 9: bad file mode "nonsense"',
      ]);
      expect(r.problems.every((p) => p.code === 'APKDB_SYNTAX' && p.path === DB)).toBe(true);
    });

    it('refuses path escapes in F: and R: lines', () => {
      const { records, errors } = parseApkInstalled(
        'P:p\nV:1\nF:../../etc\nR:shadow\nF:usr/bin\nR:../x\nR:a/b\nR:ok\n',
      );
      expect(records[0]?.files.map((f) => f.path)).toEqual(['usr/bin', 'usr/bin/ok']);
      expect(errors).toHaveLength(4);
    });

    it('reports stanzas cut short and keeps the complete ones when the file is truncated', () => {
      const text = INSTALLED.toString('utf8');
      const cut = text.slice(0, text.indexOf('P:busybox') + 'P:busy'.length);
      const { records, errors } = parseApkInstalled(cut);
      expect(records.map((r) => r.name)).toEqual(['musl']);
      expect(errors).toEqual([expect.objectContaining({ message: 'package stanza without V:' })]);
    });

    it('caps the problems of a garbage file and never throws', async () => {
      const garbage = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919 + 13) % 256));
      const r = await apkCataloger.catalog(memoryCatalogContext({ [DB]: garbage }));
      expect(r.problems.length).toBeLessThanOrEqual(21);
      expect(r.problems.length).toBeGreaterThan(0);
    });

    it('handles a stanza with a huge number of files', () => {
      const many = Array.from({ length: 50_000 }, (_, i) => `R:f${i}\nZ:Q1HZA7d+LP0Q3TzAECd+MB9p1PxQU=`).join(
        '\n',
      );
      const { records, errors } = parseApkInstalled(`P:big\nV:1\nF:d\n${many}\n`);
      expect(records[0]?.files).toHaveLength(50_001);
      expect(errors).toEqual([]);
    });
  });
});
