/**
 * The rpm cataloger against rpm itself. Debian's rpm builds real packages (rpmbuild), installs them
 * into a SQLite database and imports a real signing key (gpg-pubkey). Debian's rpm can only *read*
 * BerkeleyDB (`bdb_ro`), so the BerkeleyDB files are written by BerkeleyDB's own `db5.3_load`, in both
 * byte orders, and checked readable by rpm before we compare. Debian's rpm has no NDB backend at all:
 * the NDB file is written by our test writer from rpm's headers (a round trip, stated as such).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { rpmCataloger } from '../../../../src/catalog/os/rpm/index.js';
import { buildNdb, catalogContext } from '../../../helpers/rpm-db.js';
import {
  commandExists,
  factsOf,
  rpmAt,
  rpmGroundTruth,
  type PackageFacts,
} from '../../../helpers/rpm-truth.js';

const haveRpm = commandExists('rpm') && commandExists('rpmbuild');
const haveDbLoad = commandExists('db5.3_load');
const haveGpg = commandExists('gpg');
if (!haveRpm) console.warn('rpm.itg: skipped, `rpm` and `rpmbuild` are needed (apt-get install rpm)');
if (haveRpm && !haveDbLoad)
  console.warn('rpm.itg: BerkeleyDB cases skipped, `db5.3_load` is needed (apt-get install db5.3-util)');

const SPECS: Record<string, string> = {
  alpha: `Name: itg-alpha
Version: 1.2.3
Release: 4
Epoch: 1
Summary: config, symlink, directory, ghost
License: MIT
BuildArch: noarch
%description
t
%install
mkdir -p %{buildroot}/usr/share/itg-alpha %{buildroot}/etc %{buildroot}/usr/bin
echo hello > %{buildroot}/usr/share/itg-alpha/data.txt
echo conf=1 > %{buildroot}/etc/itg-alpha.conf
printf '#!/bin/sh\\necho hi\\n' > %{buildroot}/usr/bin/itg-alpha
chmod 0755 %{buildroot}/usr/bin/itg-alpha
ln -s itg-alpha %{buildroot}/usr/bin/itg-alpha-link
%files
%dir /usr/share/itg-alpha
/usr/share/itg-alpha/data.txt
%config(noreplace) /etc/itg-alpha.conf
/usr/bin/itg-alpha
/usr/bin/itg-alpha-link
%ghost /var/log/itg-alpha.log
`,
  beta: `Name: itg-beta
Version: 0.9~rc1
Release: 2.el9
Summary: tilde version, setuid file, a space in a name
License: GPL-2.0-or-later AND MIT
BuildArch: noarch
%description
t
%install
mkdir -p %{buildroot}/usr/share/itg-beta %{buildroot}/usr/sbin
echo spaced > "%{buildroot}/usr/share/itg-beta/with space.txt"
echo tool > %{buildroot}/usr/sbin/itg-beta
%files
"/usr/share/itg-beta/with space.txt"
%attr(4755,root,root) /usr/sbin/itg-beta
`,
  gamma: `Name: itg-gamma
Version: 20240101
Release: 1
Summary: a header larger than many BerkeleyDB pages
License: BSD
BuildArch: noarch
%description
t
%install
mkdir -p %{buildroot}/usr/lib/itg-gamma
for i in $(seq 1 400); do echo "$i" > %{buildroot}/usr/lib/itg-gamma/file-$i; done
%files
/usr/lib/itg-gamma
`,
};

let work = '';
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string =>
  execFileSync(cmd, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

async function ours(path: string, content: Buffer): Promise<PackageFacts[]> {
  const result = await rpmCataloger.catalog(catalogContext({ [path]: content }));
  expect(result.problems).toEqual([]);
  return factsOf(result.packages);
}

/** Header blobs straight from rpm's SQLite table, read with SQLite itself. */
async function blobsOf(sqliteFile: string): Promise<Array<[number, Buffer]>> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(sqliteFile));
  const rows = db.exec('SELECT hnum, blob FROM Packages ORDER BY hnum')[0]?.values ?? [];
  db.close();
  return rows.map(([hnum, blob]) => [Number(hnum), Buffer.from(blob as Uint8Array)]);
}

/** A BerkeleyDB hash Packages written by db_load, with rpm's record 0 (next instance) and 4-byte keys. */
function writeBdb(dir: string, rows: Array<[number, Buffer]>, littleEndian: boolean): void {
  const hex = (b: Buffer): string => [...b].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
  const key = (n: number): Buffer => {
    const k = Buffer.alloc(4);
    if (littleEndian) k.writeUInt32LE(n);
    else k.writeUInt32BE(n);
    return k;
  };
  const next = Math.max(0, ...rows.map(([h]) => h)) + 1;
  const lines = [hex(key(0)), hex(key(next)), ...rows.flatMap(([h, blob]) => [hex(key(h)), hex(blob)])];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dump.txt'), `${lines.join('\n')}\n`);
  run('db5.3_load', [
    '-T',
    '-t',
    'hash',
    '-c',
    `db_lorder=${littleEndian ? 1234 : 4321}`,
    '-c',
    'db_pagesize=4096',
    '-f',
    join(dir, 'dump.txt'),
    join(dir, 'Packages'),
  ]);
  rmSync(join(dir, 'dump.txt'));
}

describe.skipIf(!haveRpm)('rpm cataloger against rpm 4.18 and BerkeleyDB 5.3', () => {
  let sqliteDir = '';
  let rows: Array<[number, Buffer]> = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'rpm-itg-'));
    mkdirSync(join(work, 'SPECS'));
    for (const [name, spec] of Object.entries(SPECS)) {
      writeFileSync(join(work, 'SPECS', `${name}.spec`), spec);
      run('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${work}`, join(work, 'SPECS', `${name}.spec`)]);
    }
    sqliteDir = join(work, 'db-sqlite');
    mkdirSync(sqliteDir);
    const rpms = Object.keys(SPECS).map((n) =>
      join(work, 'RPMS', 'noarch', run('sh', ['-c', `ls ${work}/RPMS/noarch | grep '^itg-${n}-'`]).trim()),
    );
    rpmAt(sqliteDir, 'sqlite', ['-i', '--nodeps', '--justdb', ...rpms]);
    if (haveGpg) {
      const gnupg = join(work, 'gnupg');
      mkdirSync(gnupg, { mode: 0o700 });
      const env = { ...process.env, GNUPGHOME: gnupg };
      run(
        'gpg',
        [
          '--batch',
          '--passphrase',
          '',
          '--quick-gen-key',
          'itg <itg@example.invalid>',
          'rsa2048',
          'sign',
          'never',
        ],
        env,
      );
      writeFileSync(join(work, 'key.asc'), run('gpg', ['--armor', '--export'], env));
      rpmAt(sqliteDir, 'sqlite', ['--import', join(work, 'key.asc')]);
    }
    rows = await blobsOf(join(sqliteDir, 'rpmdb.sqlite'));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds the world it claims: three packages (and a key) with sha256 file digests', () => {
    const algos = rpmAt(sqliteDir, 'sqlite', ['-qa', '--qf', '%{NAME} %{FILEDIGESTALGO}\\n']);
    expect(algos).toMatch(/itg-gamma 8/);
    expect(rows.length).toBe(haveGpg ? 4 : 3);
  });

  it('equals rpm -qa and rpm file lists for rpmdb.sqlite', async () => {
    const truth = rpmGroundTruth(sqliteDir, 'sqlite');
    expect(truth.find((p) => p.name === 'itg-gamma')?.files).toHaveLength(401);
    expect(await ours('var/lib/rpm/rpmdb.sqlite', readFileSync(join(sqliteDir, 'rpmdb.sqlite')))).toEqual(
      truth,
    );
  });

  it('equals rpm -qa after rpm erased a package from rpmdb.sqlite', async () => {
    const erased = join(work, 'db-erased');
    cpSync(sqliteDir, erased, { recursive: true });
    rpmAt(erased, 'sqlite', ['-e', '--nodeps', '--justdb', 'itg-beta']);
    const truth = rpmGroundTruth(erased, 'sqlite');
    expect(truth.map((p) => p.name)).not.toContain('itg-beta');
    expect(
      await ours('usr/lib/sysimage/rpm/rpmdb.sqlite', readFileSync(join(erased, 'rpmdb.sqlite'))),
    ).toEqual(truth);
  });

  it.skipIf(!haveDbLoad).each([
    ['little-endian', true],
    ['big-endian', false],
  ])(
    'equals rpm -qa (bdb_ro) for a %s BerkeleyDB Packages written by db_load',
    async (_order, littleEndian) => {
      const dir = join(work, `db-bdb-${littleEndian ? 'le' : 'be'}`);
      writeBdb(dir, rows, littleEndian);
      const truth = rpmGroundTruth(dir, 'bdb_ro');
      expect(truth.map((p) => p.name)).toEqual(rpmGroundTruth(sqliteDir, 'sqlite').map((p) => p.name));
      expect(await ours('var/lib/rpm/Packages', readFileSync(join(dir, 'Packages')))).toEqual(truth);
    },
  );

  it("reads the same packages from an NDB Packages.db holding rpm's headers (written by our test writer)", async () => {
    const ndb = buildNdb(rows.map(([, blob]) => blob));
    expect(await ours('usr/lib/sysimage/rpm/Packages.db', ndb)).toEqual(rpmGroundTruth(sqliteDir, 'sqlite'));
  });
});
