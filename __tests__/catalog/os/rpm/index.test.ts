import { describe, expect, it } from 'vitest';
import picomatch from 'picomatch';
import initSqlJs from 'sql.js';
import { rpmCataloger } from '../../../../src/catalog/os/rpm/index.js';
import type { TreeEntry } from '../../../../src/catalog/types.js';
import {
  buildBdb,
  buildNdb,
  catalogContext,
  packageHeader,
  type SimplePackage,
} from '../../../helpers/rpm-db.js';

async function sqliteDb(blobs: Buffer[]): Promise<Buffer> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run("CREATE TABLE 'Packages' ('hnum' INTEGER PRIMARY KEY AUTOINCREMENT, 'blob' BLOB NOT NULL)");
  blobs.forEach((blob, i) => db.run('INSERT INTO Packages VALUES (?, ?)', [i + 1, blob]));
  const bytes = Buffer.from(db.export());
  db.close();
  return bytes;
}

const bash: SimplePackage = {
  name: 'bash',
  epoch: 2,
  version: '5.1.8',
  release: '6.el9_1',
  arch: 'x86_64',
  license: 'GPLv3+',
  sourceRpm: 'bash-5.1.8-6.el9_1.src.rpm',
  digestAlgo: 8,
  files: [{ path: '/usr/bin/bash', digest: 'a'.repeat(64), mode: 0o100755 }],
};
const key: SimplePackage = { name: 'gpg-pubkey', version: 'b86b3716', release: '61e69f29' };
const headers = [packageHeader(bash), packageHeader(key)];
const symlink = (path: string, link: string): TreeEntry => ({
  path,
  type: 'symlink',
  mode: 0o777,
  uid: 0,
  gid: 0,
  size: 0,
  link,
  layer: 0,
});
const catalog = async (ctx: ReturnType<typeof catalogContext>) => rpmCataloger.catalog(ctx);

describe('rpmCataloger', () => {
  it('asks for the three database files in both locations, and nothing else', () => {
    const wants = picomatch([...rpmCataloger.globs]);
    for (const dir of ['var/lib/rpm', 'usr/lib/sysimage/rpm']) {
      for (const file of ['Packages', 'Packages.db', 'rpmdb.sqlite'])
        expect(wants(`${dir}/${file}`)).toBe(true);
      for (const file of ['Basenames', 'rpmdb.sqlite-wal', '.rpm.lock'])
        expect(wants(`${dir}/${file}`)).toBe(false);
    }
  });

  it('classes rpm, dnf and yum state as package-manager state', () => {
    const state = picomatch([...rpmCataloger.stateGlobs]);
    for (const path of [
      'var/lib/rpm/Basenames',
      'usr/lib/sysimage/rpm/rpmdb.sqlite-shm',
      'var/cache/dnf/x.solv',
      'var/lib/dnf/history.sqlite',
      'var/log/dnf.rpm.log',
      'var/log/yum.log',
    ]) {
      expect(state(path)).toBe(true);
    }
    expect(state('etc/dnf/dnf.conf')).toBe(false);
  });

  it('catalogs packages with version, source, license, files, location and layer from rpmdb.sqlite', async () => {
    const ctx = catalogContext({ 'var/lib/rpm/rpmdb.sqlite': await sqliteDb(headers) }, [], 3);
    const result = await catalog(ctx);
    expect(result.problems).toEqual([]);
    expect(result.packages).toEqual([
      {
        ecosystem: 'rpm',
        name: 'bash',
        version: '2:5.1.8-6.el9_1',
        arch: 'x86_64',
        license: 'GPLv3+',
        source: { name: 'bash', version: '5.1.8-6.el9_1' },
        metadata: { sourceRpm: 'bash-5.1.8-6.el9_1.src.rpm' },
        location: 'var/lib/rpm/rpmdb.sqlite',
        layer: 3,
        files: [
          { path: 'usr/bin/bash', digest: { algorithm: 'sha256', value: 'a'.repeat(64) }, mode: 0o755 },
        ],
      },
      {
        ecosystem: 'rpm',
        name: 'gpg-pubkey',
        version: 'b86b3716-61e69f29',
        location: 'var/lib/rpm/rpmdb.sqlite',
        layer: 3,
        files: [],
      },
    ]);
  });

  it.each([
    ['Packages.db', buildNdb(headers)],
    ['Packages', buildBdb(headers, { littleEndian: false })],
  ])('reads the same packages from %s', async (file, bytes) => {
    const result = await catalog(catalogContext({ [`usr/lib/sysimage/rpm/${file}`]: bytes }));
    expect(result.problems).toEqual([]);
    expect(result.packages.map((p) => `${p.name} ${p.version}`)).toEqual([
      'bash 2:5.1.8-6.el9_1',
      'gpg-pubkey b86b3716-61e69f29',
    ]);
  });

  it('reads sysimage once when var/lib/rpm is a symlink to it', async () => {
    const ctx = catalogContext({ 'usr/lib/sysimage/rpm/rpmdb.sqlite': await sqliteDb(headers) }, [
      symlink('var/lib/rpm', '../../usr/lib/sysimage/rpm'),
    ]);
    const result = await catalog(ctx);
    expect(result.problems).toEqual([]);
    expect(result.packages).toHaveLength(2);
    expect(result.packages[0]?.location).toBe('usr/lib/sysimage/rpm/rpmdb.sqlite');
  });

  it('prefers sqlite over NDB over BerkeleyDB in one directory and reports the ignored ones', async () => {
    const ctx = catalogContext({
      'var/lib/rpm/Packages': buildBdb([packageHeader({ ...key, name: 'from-bdb' })]),
      'var/lib/rpm/Packages.db': buildNdb([packageHeader({ ...key, name: 'from-ndb' })]),
      'var/lib/rpm/rpmdb.sqlite': await sqliteDb([packageHeader({ ...key, name: 'from-sqlite' })]),
    });
    const result = await catalog(ctx);
    expect(result.packages.map((p) => p.name)).toEqual(['from-sqlite']);
    expect(result.problems.map((p) => [p.code, p.path])).toEqual([
      ['RPMDB_IGNORED', 'var/lib/rpm/Packages.db'],
      ['RPMDB_IGNORED', 'var/lib/rpm/Packages'],
    ]);
  });

  it('prefers usr/lib/sysimage/rpm when both directories hold a database', async () => {
    const ctx = catalogContext({
      'var/lib/rpm/Packages': buildBdb([packageHeader({ ...key, name: 'stale' })]),
      'usr/lib/sysimage/rpm/Packages.db': buildNdb([packageHeader({ ...key, name: 'current' })]),
    });
    const result = await catalog(ctx);
    expect(result.packages.map((p) => p.name)).toEqual(['current']);
    expect(result.problems.map((p) => p.code)).toEqual(['RPMDB_IGNORED']);
  });

  it('returns nothing when the image has no rpm database', async () => {
    expect(await catalog(catalogContext({ 'etc/os-release': Buffer.from('ID=x\n') }))).toEqual({
      packages: [],
      problems: [],
    });
  });

  it.each([
    ['rpmdb.sqlite', Buffer.from('this is not sqlite')],
    ['rpmdb.sqlite', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(2048, 1)])],
    ['Packages.db', Buffer.alloc(4096, 0xee)],
    ['Packages', Buffer.alloc(0)],
  ])(
    'reports an unreadable %s as a problem tied to its path and layer, without throwing',
    async (file, bytes) => {
      const result = await catalog(catalogContext({ [`var/lib/rpm/${file}`]: bytes }, [], 2));
      expect(result.packages).toEqual([]);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({
        code: 'RPMDB_UNREADABLE',
        path: `var/lib/rpm/${file}`,
        layer: 2,
      });
    },
  );

  it('skips a broken header with a problem and keeps the other packages', async () => {
    const broken = Buffer.from(headers[0]!);
    broken.writeUInt32BE(0xffffff, 0);
    const result = await catalog(
      catalogContext({ 'var/lib/rpm/rpmdb.sqlite': await sqliteDb([broken, headers[1]!]) }),
    );
    expect(result.packages.map((p) => p.name)).toEqual(['gpg-pubkey']);
    expect(result.problems).toEqual([
      {
        code: 'RPM_HEADER_INVALID',
        path: 'var/lib/rpm/rpmdb.sqlite',
        layer: 0,
        message: expect.stringMatching(/record 1 .* 16777215 index entries/),
      },
    ]);
  });

  it('reports damaged parts of a database and caps their number', async () => {
    const db = buildNdb(Array.from({ length: 30 }, (_, i) => packageHeader({ ...key, name: `p${i}` })));
    for (let i = 0; i < 25; i++) db.writeUInt32LE(0, 32 + i * 16 + 4);
    const result = await catalog(catalogContext({ 'var/lib/rpm/Packages.db': db }));
    expect(result.packages).toHaveLength(5);
    expect(result.problems.filter((p) => p.code === 'RPMDB_DAMAGED')).toHaveLength(21);
    expect(result.problems.at(-1)?.message).toMatch(/5 more damaged parts skipped/);
  });

  it('warns when the sqlite write-ahead log holds changes it does not read', async () => {
    const wal: TreeEntry = {
      path: 'var/lib/rpm/rpmdb.sqlite-wal',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: 4096,
      layer: 0,
    };
    const result = await catalog(
      catalogContext({ 'var/lib/rpm/rpmdb.sqlite': await sqliteDb(headers) }, [wal]),
    );
    expect(result.packages).toHaveLength(2);
    expect(result.problems.map((p) => p.code)).toEqual(['RPMDB_WAL_PENDING']);
  });
});
