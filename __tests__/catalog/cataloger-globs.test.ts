import { describe, expect, it } from 'vitest';
import { defaultCatalogers, defaultCaptureSpec } from '../../src/catalog/registry.js';
import { catalogContext, runCatalogers } from '../../src/catalog/runner.js';
import { captureMatcher } from '../../src/layers/capture-matcher.js';
import { OS_RELEASE_GLOBS } from '../../src/catalog/os/os-release.js';
import { ACCOUNT_GLOBS } from '../../src/catalog/accounts/accounts.js';
import type { Cataloger } from '../../src/catalog/types.js';
import { buildTree } from '../helpers/catalog-context.js';

/**
 * Which paths each cataloger asks for: the paths it must be handed, and look-alikes it must not. Every
 * built-in cataloger has a row (a new one fails below until it gets its own).
 */
const TABLE: Record<string, { selects: string[]; ignores: string[] }> = {
  dpkg: {
    selects: [
      'var/lib/dpkg/status',
      'var/lib/dpkg/status.d/base-files',
      'var/lib/dpkg/status.d/libc6.md5sums',
      'var/lib/dpkg/info/bash.list',
      'var/lib/dpkg/info/libc6:amd64.md5sums',
      'var/lib/dpkg/info/base-files.conffiles',
      'var/lib/dpkg/diversions',
      'var/lib/dpkg/alternatives/awk',
      'var/lib/chisel/manifest.wall',
    ],
    ignores: [
      'var/lib/dpkg/status-old',
      'var/lib/dpkg/available',
      'var/lib/dpkg/info/bash.postinst',
      'var/lib/dpkg/info/bash.triggers',
      'var/lib/dpkg/info/sub/bash.list',
      'var/lib/dpkg/status.d/sub/x',
      'usr/var/lib/dpkg/status',
      'var/lib/chisel/manifest.wall.old',
    ],
  },
  apk: {
    selects: ['lib/apk/db/installed', 'usr/lib/apk/db/installed'],
    ignores: ['lib/apk/db/installed.old', 'lib/apk/db/lock', 'etc/apk/world', 'opt/lib/apk/db/installed'],
  },
  rpm: {
    selects: [
      'var/lib/rpm/Packages',
      'var/lib/rpm/Packages.db',
      'var/lib/rpm/rpmdb.sqlite',
      'usr/lib/sysimage/rpm/Packages',
      'usr/lib/sysimage/rpm/Packages.db',
      'usr/lib/sysimage/rpm/rpmdb.sqlite',
    ],
    ignores: [
      'var/lib/rpm/rpmdb.sqlite-wal',
      'var/lib/rpm/Basenames',
      'var/lib/rpm/__db.001',
      'opt/var/lib/rpm/Packages',
    ],
  },
  npm: {
    selects: [
      'app/node_modules/express/package.json',
      'usr/lib/node_modules/npm/package.json',
      'app/node_modules/@types/node/package.json',
      'app/node_modules/a/node_modules/b/package.json',
      'root/.npm/node_modules/x/package.json',
    ],
    ignores: [
      'app/package.json',
      'app/node_modules/express/lib/package.json',
      'app/node_modules/package.json',
      'app/node_modules/@types/package.json',
      'app/node_modules/.package-lock.json',
    ],
  },
  python: {
    selects: [
      'usr/lib/python3/dist-packages/yaml-6.0.dist-info/METADATA',
      'usr/lib/python3/dist-packages/yaml-6.0.dist-info/RECORD',
      'usr/lib/python3/dist-packages/six.egg-info/PKG-INFO',
      'usr/lib/python3/dist-packages/six.egg-info/installed-files.txt',
      'usr/lib/python3/dist-packages/six.egg-info/SOURCES.txt',
      'usr/lib/python3/dist-packages/distro-1.8.0.egg-info',
      'app/.venv/lib/python3.12/site-packages/pip-24.0.dist-info/METADATA',
    ],
    ignores: [
      'usr/lib/python3/dist-packages/yaml-6.0.dist-info/WHEEL',
      'usr/lib/python3/dist-packages/yaml-6.0.dist-info/LICENSE',
      'usr/lib/python3/dist-packages/six.egg-info/top_level.txt',
      'usr/lib/python3/dist-packages/yaml/__init__.py',
      'app/METADATA',
    ],
  },
  gem: {
    selects: [
      'usr/local/bundle/specifications/rack-3.0.8.gemspec',
      'usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec',
    ],
    ignores: [
      'usr/local/bundle/gems/rack-3.0.8/rack.gemspec',
      'usr/local/bundle/specifications/rack-3.0.8.gemspec.bak',
      'usr/local/bundle/specifications/old/rack-3.0.8.gemspec',
    ],
  },
  composer: {
    selects: ['var/www/vendor/composer/installed.json', 'vendor/composer/installed.json'],
    ignores: ['var/www/composer.json', 'var/www/composer.lock', 'var/www/vendor/composer/installed.php'],
  },
  // Read from the go-buildinfo probe's results, not from captured files.
  go: { selects: [], ignores: ['usr/local/bin/app', 'usr/local/go/VERSION', 'app/go.mod'] },
  // Read from the jar-maven probe's results.
  maven: { selects: [], ignores: ['app/app.jar', 'app/pom.xml', 'META-INF/maven/g/a/pom.properties'] },
  'runtime-node': {
    selects: ['usr/local/include/node/node_version.h', 'opt/node/include/node/node_version.h'],
    ignores: ['usr/local/include/node/v8-version.h', 'usr/local/bin/node'],
  },
  'runtime-python': {
    selects: ['usr/local/include/python3.12/patchlevel.h', 'usr/include/python2.7/patchlevel.h'],
    ignores: ['usr/local/include/python3.12/Python.h', 'usr/local/include/python/patchlevel.h'],
  },
  'runtime-go': {
    selects: ['usr/local/go/VERSION', 'opt/go1.22/VERSION'],
    ignores: ['usr/local/go/src/VERSION', 'usr/local/golang/VERSION.txt'],
  },
  'runtime-java': {
    selects: ['opt/java/openjdk/release', 'usr/lib/jvm/java-17-openjdk-amd64/release'],
    ignores: ['opt/java/openjdk/release.txt', 'etc/os-release', 'etc/lsb-release'],
  },
  'runtime-ruby': {
    selects: ['usr/local/lib/ruby/3.3.0/x86_64-linux/rbconfig.rb'],
    ignores: ['usr/local/lib/ruby/3.3.0/x86_64-linux/rbconfig.rb.orig', 'usr/local/bin/ruby'],
  },
  // Named by the binary-identity probe's results.
  busybox: { selects: [], ignores: ['bin/busybox', 'bin/sh'] },
  'elf-package-notes': { selects: [], ignores: ['usr/bin/app', 'usr/lib/libapp.so'] },
  cargo: { selects: [], ignores: ['usr/local/bin/app', 'usr/local/cargo/registry/index'] },
};

/** Every path of the table, each a captured file, in layers 0 to 2 so the handed layer can be checked. */
const ALL = [...new Set(Object.values(TABLE).flatMap((r) => [...r.selects, ...r.ignores]))];
const layerOf = (path: string): number => path.length % 3;
const tree = buildTree(ALL.map((path) => ({ path, content: `content of ${path}`, layer: layerOf(path) })));

describe('cataloger globs: which paths each cataloger is handed', () => {
  it('every built-in cataloger has a row in the table', () => {
    expect(defaultCatalogers.map((c) => c.id).sort()).toEqual(Object.keys(TABLE).sort());
  });

  for (const cataloger of defaultCatalogers) {
    const row = TABLE[cataloger.id];
    if (!row) continue;
    it(`${cataloger.id}: handed exactly its paths, with their layers and contents`, () => {
      const ctx = catalogContext(tree, cataloger.globs);
      expect(ctx.files.map((f) => f.path)).toEqual([...row.selects].sort());
      for (const f of ctx.files) {
        expect(f.layer, f.path).toBe(layerOf(f.path));
        expect(f.content.toString('utf8')).toBe(`content of ${f.path}`);
        expect(ctx.file(f.path)).toBe(f);
      }
      for (const path of row.ignores) expect(ctx.file(path), path).toBeUndefined();
    });

    it(`${cataloger.id}: the layer reader's capture spec keeps every path it asks for`, () => {
      const captures = captureMatcher(defaultCaptureSpec());
      for (const path of row.selects) expect(captures(path), path).toBe(true);
    });
  }

  it('os-release and accounts readers are handed their files only', () => {
    expect(
      catalogContext(buildTree([{ path: 'etc/os-release', content: 'ID=x' }]), OS_RELEASE_GLOBS).files,
    ).toHaveLength(1);
    const accounts = catalogContext(
      buildTree(
        ['etc/passwd', 'etc/group', 'etc/shadow', 'etc/passwd-', 'etc/gshadow'].map((path) => ({
          path,
          content: 'x',
        })),
      ),
      ACCOUNT_GLOBS,
    );
    expect(accounts.files.map((f) => f.path)).toEqual(['etc/group', 'etc/passwd', 'etc/shadow']);
  });
});

describe('runCatalogers', () => {
  const seen = new Map<string, string[]>();
  const recorder = (id: string, globs: string[]): Cataloger => ({
    id,
    ecosystem: 'npm',
    globs,
    stateGlobs: [`${id}/state/**`],
    catalog(ctx) {
      seen.set(
        id,
        ctx.files.map((f) => `${f.path}@${f.layer}`),
      );
      return { packages: [], problems: [], stateGlobs: [`${id}/found`] };
    },
  });

  it('hands each cataloger only the files its own globs matched, and gathers state globs', async () => {
    const t = buildTree([
      { path: 'a/one.txt', content: '1', layer: 1 },
      { path: 'a/two.json', content: '2', layer: 2 },
      { path: 'b/three.txt', content: '3', layer: 0 },
    ]);
    const run = await runCatalogers(t, [
      recorder('txt', ['**/*.txt']),
      recorder('json', ['a/*.json']),
      recorder('none', []),
    ]);
    expect(seen.get('txt')).toEqual(['a/one.txt@1', 'b/three.txt@0']);
    expect(seen.get('json')).toEqual(['a/two.json@2']);
    expect(seen.get('none')).toEqual([]);
    expect(run.stateGlobs).toEqual([
      'txt/state/**',
      'txt/found',
      'json/state/**',
      'json/found',
      'none/state/**',
      'none/found',
    ]);
  });

  it('turns a cataloger that throws into one problem and runs the others', async () => {
    const failing: Cataloger = {
      id: 'broken',
      ecosystem: 'npm',
      globs: ['x/*'],
      stateGlobs: [],
      catalog() {
        throw new Error('boom');
      },
    };
    const run = await runCatalogers(buildTree([{ path: 'x/y', content: 'y' }]), [
      failing,
      recorder('after', ['x/*']),
    ]);
    expect(run.problems).toEqual([
      { code: 'CATALOGER_FAILED', path: 'x/*', message: 'broken cataloger failed: boom' },
    ]);
    expect(seen.get('after')).toEqual(['x/y@0']);
  });
});
