/**
 * The rpm cataloger over the AlmaLinux root filesystems in ../shared/fixtures: SQLite (9.x, aarch64)
 * and big-endian BerkeleyDB (8.x, s390x). Only `var/lib/rpm` is extracted, to a temporary directory;
 * the ground truth is Debian's rpm reading a copy of the same directory (`sqlite` / `bdb_ro`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rpmCataloger } from '../../../../src/catalog/os/rpm/index.js';
import { catalogContext } from '../../../helpers/rpm-db.js';
import { commandExists, factsOf, rpmGroundTruth } from '../../../helpers/rpm-truth.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const rootfsDir = resolve(repoRoot, '../shared/fixtures/rootfs');
const fixtures = existsSync(rootfsDir)
  ? readdirSync(rootfsDir)
      .filter((f) => /^almalinux-.*\.tar\.xz$/.test(f))
      .sort()
  : [];
const haveRpm = commandExists('rpm');
if (fixtures.length === 0) console.warn(`rpm.real: skipped, no AlmaLinux root filesystems in ${rootfsDir}`);
else if (!haveRpm)
  console.warn('rpm.real: skipped, `rpm` is needed for the ground truth (apt-get install rpm)');

const work = fixtures.length && haveRpm ? mkdtempSync(join(tmpdir(), 'rpm-real-')) : '';
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Extract only the rpm database directory of a root filesystem tarball; returns its path. */
function extractRpmDb(tarball: string): { root: string; member: string } {
  const root = join(work, tarball.replace(/\.tar\.xz$/, ''));
  execFileSync('mkdir', ['-p', root]);
  const members = execFileSync('tar', ['-tJf', join(rootfsDir, tarball)], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }).split('\n');
  const member = members.find((m) => /^(\.\/)?var\/lib\/rpm\/?$/.test(m));
  if (!member) throw new Error(`${tarball} has no var/lib/rpm`);
  execFileSync('tar', ['-xJf', join(rootfsDir, tarball), '-C', root, member]);
  return { root, member: member.replace(/^\.\//, '').replace(/\/$/, '') };
}

describe.skipIf(fixtures.length === 0 || !haveRpm)('rpm cataloger on AlmaLinux root filesystems', () => {
  it.each(fixtures)('lists exactly the packages and files rpm -qa lists in %s', async (tarball) => {
    const { root, member } = extractRpmDb(tarball);
    const dbDir = join(root, member);
    const sqlite = existsSync(join(dbDir, 'rpmdb.sqlite'));
    const dbFile = sqlite ? 'rpmdb.sqlite' : 'Packages';
    const truth = rpmGroundTruth(dbDir, sqlite ? 'sqlite' : 'bdb_ro');

    const result = await rpmCataloger.catalog(
      catalogContext({ [`${member}/${dbFile}`]: readFileSync(join(dbDir, dbFile)) }),
    );
    expect(result.problems).toEqual([]);
    const ours = factsOf(result.packages);
    console.info(
      `rpm.real ${tarball}: ${ours.length} packages (rpm -qa: ${truth.length}), ${ours.reduce((n, p) => n + p.files.length, 0)} files (rpm: ${truth.reduce((n, p) => n + p.files.length, 0)})`,
    );
    expect(truth.length).toBeGreaterThan(15);
    expect(ours.map((p) => `${p.name}-${p.version}.${p.arch ?? '(none)'}`)).toEqual(
      truth.map((p) => `${p.name}-${p.version}.${p.arch ?? '(none)'}`),
    );
    expect(ours).toEqual(truth);
    expect(ours.some((p) => p.name === 'gpg-pubkey' && p.arch === undefined)).toBe(true);
  });
});
