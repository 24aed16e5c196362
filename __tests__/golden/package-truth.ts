/**
 * Package changes as the distributions' own tools see them: each side's package list from dpkg-query,
 * rpm or apk's plain-text database, and the set difference between the two, with upgrade vs downgrade
 * decided by the reference comparator (`dpkg --compare-versions`, rpm's own `rpm.vercmp`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackageChange } from '../../src/diff/types.js';

/** One installed package: name, version in the cataloger's vocabulary, arch (absent when the database has none). */
export interface TruthPackage {
  name: string;
  version: string;
  arch?: string;
}

/** Installed packages of a root filesystem, by `dpkg-query --admindir`. */
export function dpkgPackages(root: string): TruthPackage[] {
  const out = execFileSync('dpkg-query', [`--admindir=${root}/var/lib/dpkg`, '-W', '-f', '${db:Status-Abbrev} ${Package} ${Version} ${Architecture}\n'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return out
    .split('\n')
    .filter((l) => l.startsWith('ii '))
    .map((l) => {
      const [, name = '', version = '', arch = ''] = l.trim().split(/\s+/);
      return { name, version, arch };
    });
}

/** The tar member whose name ends with `suffix` (members may or may not start with `./`). */
function member(tarball: string, suffix: string): string {
  const names = execFileSync('tar', ['-taf', tarball], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
  const found = names.find((n) => n.replace(/^\.\//, '') === suffix);
  if (!found) throw new Error(`${tarball} has no member ${suffix}`);
  return found;
}

/** Packages of an Alpine root filesystem tarball, read from the `P:`/`V:`/`A:` lines of lib/apk/db/installed. */
export function apkPackages(tarball: string): TruthPackage[] {
  const db = execFileSync('tar', ['-xaf', tarball, '-O', member(tarball, 'lib/apk/db/installed')], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out: TruthPackage[] = [];
  for (const stanza of db.split(/\n\n+/)) {
    const field = (key: string) => stanza.split('\n').find((l) => l.startsWith(`${key}:`))?.slice(key.length + 1);
    const name = field('P');
    const version = field('V');
    if (name === undefined || version === undefined) continue;
    const arch = field('A');
    out.push(arch === undefined ? { name, version } : { name, version, arch });
  }
  return out;
}

/**
 * Packages of an rpm root filesystem tarball: var/lib/rpm extracted to a temporary directory and listed
 * by `rpm -qa --dbpath` (`sqlite` for AlmaLinux 9, `bdb_ro` for the BerkeleyDB of AlmaLinux 8).
 * Versions are `[epoch:]version-release`; the `(none)` arch of gpg-pubkey is no arch.
 */
export function rpmPackages(tarball: string, backend: 'sqlite' | 'bdb_ro'): TruthPackage[] {
  const dir = mkdtempSync(join(tmpdir(), 'golden-rpmdb-'));
  try {
    const dbMember = member(tarball, 'var/lib/rpm/').replace(/\/$/, '');
    execFileSync('tar', ['-xaf', tarball, '-C', dir, dbMember]);
    const list = execFileSync(
      'rpm',
      ['--dbpath', join(dir, 'var', 'lib', 'rpm'), '--define', `_db_backend ${backend}`, '-qa', '--qf', '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 },
    );
    return list
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', epoch, version, release, arch] = line.split('\t');
        const p: TruthPackage = { name, version: `${epoch === '(none)' ? '' : `${epoch}:`}${version}-${release}` };
        if (arch !== '(none)') p.arch = arch;
        return p;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A reference comparator over many pairs at once: negative, zero or positive per pair. */
export type ReferenceOrder = (pairs: Array<[string, string]>) => number[];

export const dpkgOrder: ReferenceOrder = (pairs) =>
  pairs.map(([a, b]) => {
    if (a === b) return 0;
    const lt = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
    if (lt) return -1;
    return spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0 ? 1 : 0;
  });

/** rpm's own rpmvercmp on EVR strings, all pairs in one `rpm --eval` of a Lua chunk. */
export const rpmOrder: ReferenceOrder = (pairs) => {
  if (pairs.length === 0) return [];
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const chunk = pairs.map(([a, b]) => `print(rpm.vercmp(${quote(a)}, ${quote(b)}) .. ' ')`).join(' ');
  const out = execFileSync('rpm', ['--eval', `%{lua: ${chunk}}`], { encoding: 'utf8' });
  const values = out.trim().split(/\s+/).map(Number);
  if (values.length !== pairs.length) throw new Error(`rpm.vercmp gave ${values.length} answers for ${pairs.length} pairs`);
  return values;
};

const key = (p: { name: string; arch?: string | undefined }) => `${p.name} ${p.arch ?? '-'}`;
const entry = (p: { name: string; arch?: string | undefined }, version: string) => `${key(p)} ${version}`;

function multiset(list: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of list) m.set(s, (m.get(s) ?? 0) + 1);
  return m;
}

/** `a - b` as multisets, sorted. */
function minus(a: string[], b: string[]): string[] {
  const rest = multiset(b);
  const out: string[] = [];
  for (const s of a) {
    const n = rest.get(s) ?? 0;
    if (n > 0) rest.set(s, n - 1);
    else out.push(s);
  }
  return out.sort();
}

export interface TruthComparison {
  /** `name arch version` gone from the old list / new in the new list: the ground truth. */
  expected: { removed: string[]; added: string[] };
  /** The same, as the tool's changes say (each change's before and after version; rebuilds left out). */
  reported: { removed: string[]; added: string[] };
  /** Changes whose kind contradicts the ground truth (with the reason). */
  wrongKinds: string[];
  counts: { added: number; removed: number; upgraded: number; downgraded: number };
}

/**
 * Holds the tool's package changes of one ecosystem against the set difference of the two package
 * lists: the versions it says left and arrived must be exactly those that did; an `added` or `removed`
 * package must have no other version of its name and arch on the other side (unless that name is
 * installed several times, like rpm's gpg-pubkey); an upgrade must be an upgrade by the reference tool.
 */
export function compareWithTruth(
  changes: readonly PackageChange[],
  ecosystem: string,
  before: readonly TruthPackage[],
  after: readonly TruthPackage[],
  order?: ReferenceOrder,
): TruthComparison {
  const old = before.map((p) => entry(p, p.version));
  const now = after.map((p) => entry(p, p.version));
  const mine = changes.filter((c) => c.ecosystem === ecosystem && c.kind !== 'rebuilt');
  const reported = {
    removed: mine.flatMap((c) => (c.before ? [entry(c, c.before.version)] : [])).sort(),
    added: mine.flatMap((c) => (c.after ? [entry(c, c.after.version)] : [])).sort(),
  };
  const count = (list: readonly TruthPackage[]) => multiset(list.map(key));
  const oldKeys = count(before);
  const newKeys = count(after);
  const wrongKinds: string[] = [];
  for (const c of mine) {
    const k = key(c);
    const several = (oldKeys.get(k) ?? 0) > 1 || (newKeys.get(k) ?? 0) > 1;
    if (c.kind === 'added' && oldKeys.has(k) && !several) wrongKinds.push(`${k}: added, but the old image has it`);
    if (c.kind === 'removed' && newKeys.has(k) && !several) wrongKinds.push(`${k}: removed, but the new image has it`);
  }
  const moved = mine.filter((c) => c.kind === 'upgraded' || c.kind === 'downgraded');
  if (order) {
    const verdicts = order(moved.map((c) => [c.before!.version, c.after!.version]));
    moved.forEach((c, i) => {
      const want = verdicts[i]! < 0 ? 'upgraded' : verdicts[i]! > 0 ? 'downgraded' : 'equal';
      if (want !== c.kind) wrongKinds.push(`${key(c)} ${c.before!.version} -> ${c.after!.version}: ${c.kind}, the reference tool says ${want}`);
    });
  }
  const n = (kind: PackageChange['kind']) => mine.filter((c) => c.kind === kind).length;
  return {
    expected: { removed: minus(old, now), added: minus(now, old) },
    reported,
    wrongKinds,
    counts: { added: n('added'), removed: n('removed'), upgraded: n('upgraded'), downgraded: n('downgraded') },
  };
}
