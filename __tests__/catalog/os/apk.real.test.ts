/**
 * The apk cataloger over the Alpine root filesystems in ../shared/fixtures. The ground truth is the
 * database read independently (a count of its `P:` lines, the fields of one package read with a
 * regular expression) and the files themselves: every regular file the database gives a sha1 for is
 * extracted and hashed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apkCataloger } from '../../../src/catalog/os/apk.js';
import { memoryCatalogContext } from '../../helpers/fs-context.js';

const rootfsDir = resolve(import.meta.dirname, '../../../../shared/fixtures/rootfs');
const fixtures = existsSync(rootfsDir)
  ? readdirSync(rootfsDir)
      .filter((f) => /^alpine-.*\.tar\.gz$/.test(f))
      .sort()
  : [];
if (fixtures.length === 0) console.warn(`apk.real: skipped, no Alpine root filesystems in ${rootfsDir}`);

const work = fixtures.length > 0 ? mkdtempSync(join(tmpdir(), 'apk-real-')) : '';
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The database straight from the tarball (members may be stored with or without `./`). */
function readDb(tarball: string): Buffer {
  for (const member of ['./lib/apk/db/installed', 'lib/apk/db/installed']) {
    try {
      return execFileSync('tar', ['-xzf', join(rootfsDir, tarball), member, '-O'], {
        maxBuffer: 64 << 20,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      // try the other spelling
    }
  }
  throw new Error(`${tarball} has no lib/apk/db/installed`);
}

describe.skipIf(fixtures.length === 0)('apk cataloger on Alpine root filesystems', () => {
  it.each(fixtures)(
    'finds one package per P: line with the fields the database holds in %s',
    async (tarball) => {
      const db = readDb(tarball);
      const text = db.toString('utf8');
      const r = await apkCataloger.catalog(memoryCatalogContext({ 'lib/apk/db/installed': db }));
      expect(r.problems).toEqual([]);
      const pLines = text.split('\n').filter((l) => l.startsWith('P:')).length;
      expect(pLines).toBeGreaterThan(10);
      expect(r.packages).toHaveLength(pLines);
      expect(new Set(r.packages.map((p) => p.name)).size).toBe(pLines);

      // spot check: musl, read independently with a regular expression over its stanza
      const stanza = /(?:^|\n)P:musl\n(?:[^\n]+\n)*/.exec(text)?.[0] ?? '';
      const field = (k: string): string | undefined => new RegExp(`\\n${k}:([^\\n]*)`).exec(stanza)?.[1];
      const musl = r.packages.find((p) => p.name === 'musl');
      expect(musl).toMatchObject({
        version: field('V'),
        arch: field('A'),
        license: field('L'),
        source: { name: field('o') },
      });
      expect(musl?.files.filter((f) => f.digest).length).toBe(
        stanza.split('\n').filter((l) => l.startsWith('Z:')).length,
      );
    },
  );

  it.each(fixtures)('records the sha1 of every regular file as it is in %s', async (tarball) => {
    const root = join(work, tarball);
    execFileSync('mkdir', ['-p', root]);
    execFileSync('tar', ['-xzf', join(rootfsDir, tarball), '-C', root]);
    const r = await apkCataloger.catalog(
      memoryCatalogContext({ 'lib/apk/db/installed': readFileSync(join(root, 'lib/apk/db/installed')) }),
    );
    let checked = 0;
    const wrong: string[] = [];
    for (const pkg of r.packages) {
      for (const f of pkg.files) {
        if (f.digest?.algorithm !== 'sha1') continue;
        const onDisk = join(root, f.path);
        if (!existsSync(onDisk) || !lstatSync(onDisk).isFile()) continue; // symlinks: apk hashes the target name
        checked++;
        const sha1 = createHash('sha1').update(readFileSync(onDisk)).digest('hex');
        if (sha1 !== f.digest.value) wrong.push(`${pkg.name}: ${f.path}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    // A fresh minirootfs: every file is as installed, except etc/shadow, which the minirootfs build
    // edits after installing (it locks root's password): the "modified after install" signal.
    expect(wrong).toEqual(['alpine-baselayout-data: etc/shadow']);
  });
});
