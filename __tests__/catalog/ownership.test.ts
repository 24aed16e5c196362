import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_SYMLINK_HOPS, resolveOwnership, resolvePath } from '../../src/catalog/ownership.js';
import type { InventoryFile, OwnedFile, Package } from '../../src/catalog/types.js';
import { buildTree, type TreeSpec } from '../helpers/catalog-context.js';

const hex = (algorithm: string, content: string): string =>
  createHash(algorithm).update(content).digest('hex');

function pkg(ecosystem: Package['ecosystem'], name: string, files: Array<string | OwnedFile>): Package {
  return {
    ecosystem,
    name,
    version: '1',
    location: 'var/lib/dpkg/status',
    layer: 0,
    files: files.map((f) => (typeof f === 'string' ? { path: f } : f)),
  };
}

function byPath(files: Iterable<InventoryFile>): Map<string, InventoryFile> {
  return new Map([...files].map((f) => [f.path, f]));
}

const usrmerged: TreeSpec[] = [
  { path: 'bin', type: 'symlink', link: 'usr/bin' },
  { path: 'lib', type: 'symlink', link: '/usr/lib' },
  { path: 'usr/bin/bash', content: 'bash', mode: 0o755 },
  { path: 'usr/bin/sh', type: 'symlink', link: 'dash' },
  { path: 'usr/bin/dash', content: 'dash', mode: 0o755 },
  { path: 'usr/lib/x86_64-linux-gnu/libc.so.6', content: 'libc' },
];

describe('resolvePath', () => {
  const tree = buildTree([
    ...usrmerged,
    { path: 'etc/alternatives/awk', type: 'symlink', link: '/usr/bin/mawk' },
    { path: 'usr/bin/awk', type: 'symlink', link: '/etc/alternatives/awk' },
  ]);

  it('follows symlinked parents, absolute and relative, and the last component only when asked', () => {
    expect(resolvePath(tree, 'bin/bash')).toBe('usr/bin/bash');
    expect(resolvePath(tree, 'lib/x86_64-linux-gnu/libc.so.6')).toBe('usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(resolvePath(tree, 'bin/sh')).toBe('usr/bin/sh');
    expect(resolvePath(tree, 'bin/sh', { followFinal: true })).toBe('usr/bin/dash');
    expect(resolvePath(tree, 'bin/awk', { followFinal: true })).toBe('usr/bin/mawk');
    expect(resolvePath(tree, 'bin')).toBe('bin');
    expect(resolvePath(tree, 'bin', { followFinal: true })).toBe('usr/bin');
  });

  it('keeps missing components, normalises dot segments and never climbs above the root', () => {
    expect(resolvePath(tree, 'bin/missing/x')).toBe('usr/bin/missing/x');
    expect(resolvePath(tree, './usr//bin/../lib/./x')).toBe('usr/lib/x');
    expect(resolvePath(tree, '../../../etc/passwd')).toBe('etc/passwd');
    expect(
      resolvePath(buildTree([{ path: 'a', type: 'symlink', link: '../../../..' }]), 'a/etc', {
        followFinal: true,
      }),
    ).toBe('etc');
  });

  it('gives up on symlink loops after the hop limit instead of hanging', () => {
    const loops = buildTree([
      { path: 'a', type: 'symlink', link: 'b' },
      { path: 'b', type: 'symlink', link: 'a' },
      { path: 'self', type: 'symlink', link: 'self/x' },
    ]);
    expect(resolvePath(loops, 'a/file')).toBeUndefined();
    expect(resolvePath(loops, 'self/file')).toBeUndefined();
    // A chain of exactly MAX_SYMLINK_HOPS links resolves; one more is a loop.
    const chain = (n: number): TreeSpec[] => [
      ...Array.from({ length: n }, (_, i) => ({
        path: `l${i}`,
        type: 'symlink' as const,
        link: i === n - 1 ? 'real' : `l${i + 1}`,
      })),
      { path: 'real/f', content: 'f' },
    ];
    expect(resolvePath(buildTree(chain(MAX_SYMLINK_HOPS)), 'l0/f')).toBe('real/f');
    expect(resolvePath(buildTree(chain(MAX_SYMLINK_HOPS + 1)), 'l0/f')).toBeUndefined();
  });
});

describe('resolveOwnership', () => {
  it('owns usrmerged files listed under /bin and /lib, and the reverse aliasing', () => {
    const tree = buildTree([
      ...usrmerged,
      { path: 'sbin/real-tool', content: 't' },
      { path: 'usr/sbin', type: 'symlink', link: '../sbin' },
    ]);
    const packages = [
      pkg('dpkg', 'bash', ['bin', 'bin/bash']),
      pkg('dpkg', 'dash', ['bin/dash', 'bin/sh']),
      pkg('dpkg', 'libc6', ['lib/x86_64-linux-gnu/libc.so.6']),
      pkg('dpkg', 'tools', ['usr/sbin/real-tool']),
    ];
    const files = byPath(resolveOwnership(tree, packages, []).files);
    expect(files.get('usr/bin/bash')).toMatchObject({
      ownership: 'package',
      owners: [{ ecosystem: 'dpkg', name: 'bash' }],
    });
    expect(files.get('usr/bin/dash')?.owners).toEqual([{ ecosystem: 'dpkg', name: 'dash' }]);
    // A link is owned as a link: `bin/sh` names the symlink usr/bin/sh, not its target.
    expect(files.get('usr/bin/sh')?.owners).toEqual([{ ecosystem: 'dpkg', name: 'dash' }]);
    expect(files.get('usr/lib/x86_64-linux-gnu/libc.so.6')?.owners).toEqual([
      { ecosystem: 'dpkg', name: 'libc6' },
    ]);
    expect(files.get('sbin/real-tool')?.owners).toEqual([{ ecosystem: 'dpkg', name: 'tools' }]);
    expect(files.get('bin')?.owners).toEqual([{ ecosystem: 'dpkg', name: 'bash' }]);
    expect(files.get('lib')?.ownership).toBe('none');
  });

  it('lists several owners sorted, never owns directories, and classes state paths', () => {
    const tree = buildTree([
      { path: 'usr/share/doc', type: 'dir' },
      { path: 'usr/share/shared.txt', content: 's' },
      { path: 'var/lib/dpkg/status', content: 'Package: x' },
      { path: 'var/lib/dpkg/info/x.list', content: '/usr' },
      { path: 'etc/ld.so.cache', content: 'cache' },
    ]);
    const packages = [
      pkg('dpkg', 'zlib', ['usr/share/doc', 'usr/share/shared.txt']),
      pkg('npm', 'a', ['usr/share/shared.txt']),
      pkg('dpkg', 'dpkg', ['var/lib/dpkg/info/x.list']),
    ];
    const { files, problems } = resolveOwnership(tree, packages, ['var/lib/dpkg/**']);
    expect(problems).toEqual([]);
    expect([...files].map((f) => f.path)).toEqual([...tree.entries.keys()].sort());
    const f = byPath(files);
    expect(f.get('usr/share/shared.txt')?.owners).toEqual([
      { ecosystem: 'dpkg', name: 'zlib' },
      { ecosystem: 'npm', name: 'a' },
    ]);
    expect(f.get('usr/share/doc')).toMatchObject({ type: 'dir', ownership: 'none' });
    expect(f.get('usr/share/doc')?.owners).toBeUndefined();
    expect(f.get('var/lib/dpkg/status')?.ownership).toBe('state');
    // A package's own claim wins over the state glob.
    expect(f.get('var/lib/dpkg/info/x.list')?.ownership).toBe('package');
    expect(f.get('etc/ld.so.cache')?.ownership).toBe('none');
  });

  it('flags files whose content differs from the recorded md5, sha1 or sha256, and marks config files', () => {
    const digests = (content: string): Record<string, unknown> => ({
      'file-digests': { md5: hex('md5', content), sha1: hex('sha1', content) },
    });
    const tree = buildTree([
      { path: 'usr/bin/same', content: 'original', probes: digests('original') },
      { path: 'usr/bin/changed', content: 'tampered', probes: digests('tampered') },
      { path: 'etc/app.conf', content: 'edited by admin', probes: digests('edited by admin') },
      { path: 'usr/lib/apk-file', content: 'apk new', probes: digests('apk new') },
      { path: 'usr/lib/rpm-file', content: 'rpm new' },
      { path: 'usr/lib/big-file', content: 'over the probe cap' },
      { path: 'usr/lib/empty', content: '' },
      { path: 'usr/lib/hardlink', type: 'hardlink', link: 'usr/bin/changed', content: 'tampered' },
      { path: 'var/log/ghost.log', content: 'log lines' },
      { path: 'usr/bin/link', type: 'symlink', link: 'same' },
    ]);
    const md5 = (c: string): OwnedFile['digest'] => ({ algorithm: 'md5', value: hex('md5', c) });
    const packages = [
      pkg('dpkg', 'pkg', [
        { path: 'usr/bin/same', digest: md5('original') },
        { path: 'usr/bin/changed', digest: md5('original') },
        { path: 'etc/app.conf', digest: md5('shipped'), config: true },
        { path: 'usr/lib/big-file', digest: md5('whatever') },
        { path: 'usr/lib/empty', digest: md5('') },
        { path: 'usr/lib/hardlink', digest: md5('original') },
        { path: 'usr/bin/link', digest: md5('not a regular file') },
      ]),
      pkg('apk', 'a', [
        { path: 'usr/lib/apk-file', digest: { algorithm: 'sha1', value: hex('sha1', 'apk old') } },
      ]),
      pkg('rpm', 'r', [
        {
          path: 'usr/lib/rpm-file',
          digest: { algorithm: 'sha256', value: hex('sha256', 'rpm old').toUpperCase() },
        },
        { path: 'var/log/ghost.log', digest: { algorithm: 'sha256', value: hex('sha256', '') }, ghost: true },
      ]),
    ];
    const f = byPath(resolveOwnership(tree, packages, []).files);
    const modified = [...f.values()].filter((x) => x.modifiedAfterInstall).map((x) => x.path);
    expect(modified).toEqual([
      'etc/app.conf',
      'usr/bin/changed',
      'usr/lib/apk-file',
      'usr/lib/hardlink',
      'usr/lib/rpm-file',
    ]);
    expect(f.get('etc/app.conf')?.config).toBe(true);
    expect(f.get('usr/bin/changed')?.config).toBeUndefined();
    expect(f.get('usr/lib/big-file')?.modifiedAfterInstall).toBeUndefined();
  });

  it('clears the flag when any owner recorded the current content (diversions, shared files)', () => {
    const tree = buildTree([
      {
        path: 'usr/share/x',
        content: 'b',
        probes: { 'file-digests': { md5: hex('md5', 'b'), sha1: hex('sha1', 'b') } },
      },
    ]);
    const packages = [
      pkg('dpkg', 'one', [{ path: 'usr/share/x', digest: { algorithm: 'md5', value: hex('md5', 'a') } }]),
      pkg('dpkg', 'two', [{ path: 'usr/share/x', digest: { algorithm: 'md5', value: hex('md5', 'b') } }]),
    ];
    expect(
      resolveOwnership(tree, packages, []).files.get('usr/share/x')?.modifiedAfterInstall,
    ).toBeUndefined();
  });

  it('survives symlink loops in the tree and in package paths, reporting each once', () => {
    const tree = buildTree([
      { path: 'loop1', type: 'symlink', link: 'loop2', layer: 3 },
      { path: 'loop2', type: 'symlink', link: 'loop1' },
      { path: 'usr/bin/tool', content: 't' },
    ]);
    const packages = [pkg('dpkg', 'p', ['loop1/a', 'loop1/b', 'usr/bin/tool'])];
    const { files, problems } = resolveOwnership(tree, packages, []);
    expect(byPath(files).get('usr/bin/tool')?.owners).toEqual([{ ecosystem: 'dpkg', name: 'p' }]);
    expect(problems.map((p) => [p.code, p.path])).toEqual([['SYMLINK_LOOP', 'loop1']]);
  });
});
