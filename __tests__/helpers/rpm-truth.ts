/**
 * Ground truth from rpm itself: `rpm -qa` over a database directory, in the cataloger's vocabulary
 * (version `[epoch:]version-release`, no arch for `(none)`, paths without the leading `/`,
 * permission bits only, digests with the package's FILEDIGESTALGO, %config and %ghost flags).
 */
import { execFileSync } from 'node:child_process';
import type { DigestAlgorithm, Package } from '../../src/catalog/types.js';

export type PackageFacts = Pick<Package, 'name' | 'version' | 'arch' | 'files'>;

const ALGORITHMS: Record<string, DigestAlgorithm> = {
  '(none)': 'md5',
  '1': 'md5',
  '2': 'sha1',
  '8': 'sha256',
  '9': 'sha384',
  '10': 'sha512',
};

export function commandExists(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function rpmAt(dbpath: string, backend: string, args: string[]): string {
  return execFileSync('rpm', ['--dbpath', dbpath, '--define', `_db_backend ${backend}`, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 << 20,
  });
}

/** Every package rpm lists, with its files, sorted like `sortPackages`. */
export function rpmGroundTruth(dbpath: string, backend: string): PackageFacts[] {
  // Packages are keyed by their database instance: names can repeat (multilib, several kernels).
  const list = rpmAt(dbpath, backend, [
    '-qa',
    '--qf',
    '%{DBINSTANCE}\\t%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{FILEDIGESTALGO}\\n',
  ]);
  const files = rpmAt(dbpath, backend, [
    '-qa',
    '--qf',
    '[%{=DBINSTANCE}\\t%{FILENAMES}\\t%{FILEDIGESTS}\\t%{FILEMODES}\\t%{FILEFLAGS}\\n]',
  ]);
  const byInstance = new Map<string, { pkg: PackageFacts; algorithm: DigestAlgorithm }>();
  for (const line of list.split('\n').filter(Boolean)) {
    const [instance = '', name = '', epoch, version, release, arch, algo = '(none)'] = line.split('\t');
    const pkg: PackageFacts = {
      name,
      version: `${epoch === '(none)' ? '' : `${epoch}:`}${version}-${release}`,
      files: [],
    };
    if (arch !== '(none)') pkg.arch = arch;
    const algorithm = ALGORITHMS[algo];
    if (!algorithm) throw new Error(`unexpected FILEDIGESTALGO ${algo} for ${name}`);
    byInstance.set(instance, { pkg, algorithm });
  }
  for (const line of files.split('\n').filter(Boolean)) {
    const [instance = '', path = '', digest, mode = '0', flags = '0'] = line.split('\t');
    const owner = byInstance.get(instance);
    if (!owner) throw new Error(`file line for unknown instance ${instance}`);
    const file: Package['files'][number] = { path: path.replace(/^\/+/, ''), mode: Number(mode) & 0o7777 };
    if (digest) file.digest = { algorithm: owner.algorithm, value: digest };
    if (Number(flags) & 1) file.config = true;
    if (Number(flags) & 64) file.ghost = true;
    // rpm lists the root directory of `filesystem` as "/": the cataloger leaves it out.
    if (file.path !== '') owner.pkg.files.push(file);
  }
  return sortPackages([...byInstance.values()].map((v) => v.pkg));
}

/** Packages by name, version, arch; files by path: an order both sides can share. */
export function sortPackages<T extends PackageFacts>(packages: T[]): T[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return packages
    .map((p) => ({ ...p, files: [...p.files].sort((a, b) => cmp(a.path, b.path)) }))
    .sort((a, b) => cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.arch ?? '', b.arch ?? ''));
}

/** Just the facts the ground truth has, from our packages. */
export function factsOf(packages: Package[]): PackageFacts[] {
  return sortPackages(
    packages.map(({ name, version, arch, files }) =>
      arch === undefined ? { name, version, files } : { name, version, arch, files },
    ),
  );
}
