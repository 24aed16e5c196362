import { describe, expect, it } from 'vitest';
import { diffInventories } from '../../src/diff/diff.js';
import type { DiffOptions } from '../../src/diff/types.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };

function base(): InventoryBuilder {
  return new InventoryBuilder()
    .pkg('dpkg', 'openssl', '3.0.11-1', { files: ['usr/bin/openssl', 'etc/ssl/openssl.cnf'] })
    .pkg('dpkg', 'bash', '5.2.15-2', { files: ['usr/bin/bash'] })
    .dir('usr')
    .dir('usr/bin')
    .dir('etc')
    .dir('etc/ssl')
    .file('etc/app.conf', { content: 'a=1' })
    .file('usr/local/bin/tool', { content: 'v1', mode: 0o755 })
    .symlink('usr/local/bin/current', 'tool');
}

const summary = (c: ReturnType<typeof diffInventories>) =>
  c.files.map((f) => [f.path, f.kind, f.aspects.join(',')]);

describe('diffInventories (files)', () => {
  it('reports added, removed and content-modified files with their states', () => {
    const after = base()
      .remove('etc/app.conf')
      .file('etc/new.conf')
      .file('usr/local/bin/tool', { content: 'v2', mode: 0o755 })
      .build();
    const changes = diffInventories(base().build(), after, OPTIONS);
    expect(summary(changes)).toEqual([
      ['etc/app.conf', 'removed', ''],
      ['etc/new.conf', 'added', ''],
      ['usr/local/bin/tool', 'modified', 'content'],
    ]);
    const tool = changes.files[2]!;
    expect(tool.before?.sha256).not.toBe(tool.after?.sha256);
    expect(tool.after).toMatchObject({ type: 'file', mode: 0o755, size: 2 });
    expect(changes.counts.files).toEqual({ added: 1, removed: 1, modified: 1, metadata: 0 });
    expect(changes.counts.nonPackaged).toEqual({ added: 1, removed: 1, modified: 1 });
  });

  it('names each metadata aspect: setuid mode, uid, gid', () => {
    const after = base()
      .file('usr/local/bin/tool', { content: 'v1', mode: 0o4755, uid: 1000, gid: 50 })
      .build();
    expect(summary(diffInventories(base().build(), after, OPTIONS))).toEqual([
      ['usr/local/bin/tool', 'metadata', 'mode,uid,gid'],
    ]);
  });

  it('reports a symlink retargeted and a file turned into a symlink as modified', () => {
    const after = base()
      .symlink('usr/local/bin/current', 'tool2')
      .symlink('etc/app.conf', '/dev/null')
      .build();
    expect(summary(diffInventories(base().build(), after, OPTIONS))).toEqual([
      ['etc/app.conf', 'modified', 'type'],
      ['usr/local/bin/current', 'modified', 'link'],
    ]);
  });

  it('ignores symlink modes and the file/hardlink distinction when content is the same', () => {
    const before = base()
      .file('usr/bin/perl', { content: 'perl' })
      .file('usr/bin/perl5.36', { type: 'hardlink', content: 'perl', link: 'usr/bin/perl' })
      .build();
    const after = base()
      .symlink('usr/local/bin/current', 'tool', { mode: 0o755 })
      .file('usr/bin/perl', { type: 'hardlink', content: 'perl', link: 'usr/bin/perl5.36' })
      .file('usr/bin/perl5.36', { content: 'perl' })
      .build();
    expect(diffInventories(before, after, OPTIONS).files).toEqual([]);
  });

  it('reports directories only for metadata changes and when added or removed empty', () => {
    const before = base()
      .dir('srv/old-empty')
      .dir('var/www', { mode: 0o755 })
      .file('var/www/index.html')
      .build();
    const after = base()
      .dir('data') // empty: a volume mount point
      .dir('opt/app') // holds a file: described by the file
      .file('opt/app/run.sh')
      .dir('var/www', { mode: 0o777 })
      .file('var/www/index.html')
      .build();
    const changes = diffInventories(before, after, OPTIONS);
    expect(summary(changes)).toEqual([
      ['data', 'added', ''],
      ['opt/app/run.sh', 'added', ''],
      ['srv/old-empty', 'removed', ''],
      ['var/www', 'metadata', 'mode'],
    ]);
    // Directories are not non-packaged files and have no rollup rows.
    expect(changes.counts.nonPackaged).toEqual({ added: 1, removed: 0, modified: 0 });
    expect(changes.rollup).toEqual([{ path: 'opt/app', added: 1, removed: 0, modified: 0 }]);
  });

  it('attributes file changes to the package change that explains them', () => {
    const after = base()
      .pkg('dpkg', 'openssl', '3.0.13-1', { files: ['usr/bin/openssl', 'etc/ssl/openssl.cnf'] })
      .build();
    const changes = diffInventories(base().build(), after, OPTIONS);
    expect(changes.packages[0]).toMatchObject({ name: 'openssl', kind: 'upgraded', fileChanges: 2 });
    expect(changes.files.map((f) => [f.path, f.ownership, f.owners, f.unexplained])).toEqual([
      ['etc/ssl/openssl.cnf', 'package', [{ ecosystem: 'dpkg', name: 'openssl' }], undefined],
      ['usr/bin/openssl', 'package', [{ ecosystem: 'dpkg', name: 'openssl' }], undefined],
    ]);
    expect(changes.counts.unexplained).toBe(0);
    expect(changes.counts.nonPackaged).toEqual({ added: 0, removed: 0, modified: 0 });
  });

  it('calls out package files changed without a package change, and modified-after-install', () => {
    const after = base()
      .file('usr/bin/bash', {
        content: 'patched',
        owners: [{ ecosystem: 'dpkg', name: 'bash' }],
        modifiedAfterInstall: true,
      })
      .file('etc/ssl/openssl.cnf', {
        content: 'x',
        owners: [{ ecosystem: 'dpkg', name: 'openssl' }],
        mode: 0o600,
      })
      .build();
    const changes = diffInventories(base().build(), after, OPTIONS);
    expect(changes.files.map((f) => [f.path, f.unexplained, f.modifiedAfterInstall])).toEqual([
      ['etc/ssl/openssl.cnf', true, undefined],
      ['usr/bin/bash', true, true],
    ]);
    expect(changes.counts.unexplained).toBe(2);
    expect(changes.packages).toEqual([]);
    expect(changes.hasChanges).toBe(true);
  });

  it('explains a removed package file by the package removal (owners of the old image)', () => {
    const after = base().unpkg('dpkg', 'bash').build();
    const changes = diffInventories(base().build(), after, OPTIONS);
    expect(changes.files).toEqual([
      expect.objectContaining({
        path: 'usr/bin/bash',
        kind: 'removed',
        owners: [{ ecosystem: 'dpkg', name: 'bash' }],
        ownership: 'package',
      }),
    ]);
    expect(changes.files[0]!.unexplained).toBeUndefined();
    expect(changes.packages[0]).toMatchObject({ kind: 'removed', fileChanges: 1 });
  });

  it('keeps package-manager state apart from non-packaged files', () => {
    const after = base().file('var/lib/dpkg/status', { ownership: 'state' }).build();
    const changes = diffInventories(base().build(), after, OPTIONS);
    expect(changes.files.map((f) => [f.path, f.ownership])).toEqual([['var/lib/dpkg/status', 'state']]);
    expect(changes.counts.nonPackaged).toEqual({ added: 0, removed: 0, modified: 0 });
    expect(changes.rollup).toEqual([]);
  });
});

describe('diffInventories (excludes)', () => {
  const noisy = () =>
    base()
      .file('var/log/apt/history.log', { content: 'new' })
      .file('etc/ld.so.cache', { content: 'new' })
      .file('usr/lib/python3/dist-packages/x/__pycache__/a.cpython-311.pyc')
      .file('app/main.pyc')
      .file('var/cache/apt/pkgcache.bin')
      .file('app/server.js');

  it('excludes volatile paths by default and counts them apart', () => {
    const changes = diffInventories(base().build(), noisy().build(), OPTIONS);
    expect(changes.files.filter((f) => !f.excluded).map((f) => f.path)).toEqual(['app/server.js']);
    expect(changes.files.filter((f) => f.excluded).map((f) => f.path)).toEqual([
      'app/main.pyc',
      'etc/ld.so.cache',
      'usr/lib/python3/dist-packages/x/__pycache__/a.cpython-311.pyc',
      'var/cache/apt/pkgcache.bin',
      'var/log/apt/history.log',
    ]);
    expect(changes.counts.excluded).toBe(5);
    expect(changes.counts.nonPackaged.added).toBe(1);
    expect(changes.counts.files.added).toBe(1);
    expect(changes.rollup).toEqual([{ path: 'app', added: 1, removed: 0, modified: 0 }]);
  });

  it('adds user globs (leading slash allowed, dot files matched)', () => {
    const after = noisy().file('app/.env.example').build();
    const changes = diffInventories(base().build(), after, {
      ...OPTIONS,
      exclude: ['/app/*.js', 'app/.env*'],
    });
    expect(changes.files.filter((f) => !f.excluded)).toEqual([]);
    expect(changes.counts.excluded).toBe(7);
    expect(changes.hasChanges).toBe(false);
  });

  it('turns the defaults off with defaultExcludes: false', () => {
    const changes = diffInventories(base().build(), noisy().build(), { ...OPTIONS, defaultExcludes: false });
    expect(changes.counts.excluded).toBe(0);
    expect(changes.counts.nonPackaged.added).toBe(6);
  });

  it('never excludes package-owned files', () => {
    const before = new InventoryBuilder().pkg('dpkg', 'x', '1', { files: ['var/log/x/README'] }).build();
    const after = new InventoryBuilder().pkg('dpkg', 'x', '2', { files: ['var/log/x/README'] }).build();
    const changes = diffInventories(before, after, OPTIONS);
    expect(changes.files.map((f) => [f.path, f.excluded])).toEqual([['var/log/x/README', undefined]]);
  });
});

describe('diffInventories (rollup)', () => {
  const after = () =>
    base()
      .file('usr/local/bin/a')
      .file('usr/local/bin/b')
      .file('usr/local/lib/c.so')
      .file('opt/app/x/y.txt')
      .file('README')
      .remove('etc/app.conf')
      .file('usr/local/bin/tool', { content: 'v1', mode: 0o700 })
      .build();

  it('groups by the first directory at depth 1', () => {
    expect(diffInventories(base().build(), after(), { ...OPTIONS, depth: 1 }).rollup).toEqual([
      { path: '/', added: 1, removed: 0, modified: 0 },
      { path: 'etc', added: 0, removed: 1, modified: 0 },
      { path: 'opt', added: 1, removed: 0, modified: 0 },
      { path: 'usr', added: 3, removed: 0, modified: 1 },
    ]);
  });

  it('groups by two directories at depth 2', () => {
    expect(diffInventories(base().build(), after(), { ...OPTIONS, depth: 2 }).rollup).toEqual([
      { path: '/', added: 1, removed: 0, modified: 0 },
      { path: 'etc', added: 0, removed: 1, modified: 0 },
      { path: 'opt/app', added: 1, removed: 0, modified: 0 },
      { path: 'usr/local', added: 3, removed: 0, modified: 1 },
    ]);
  });

  it('lists every path at depth all', () => {
    const rows = diffInventories(base().build(), after(), { ...OPTIONS, depth: 'all' }).rollup;
    expect(rows.map((r) => r.path)).toEqual([
      'README',
      'etc/app.conf',
      'opt/app/x/y.txt',
      'usr/local/bin/a',
      'usr/local/bin/b',
      'usr/local/bin/tool',
      'usr/local/lib/c.so',
    ]);
    expect(rows.every((r) => r.added + r.removed + r.modified === 1)).toBe(true);
  });
});
