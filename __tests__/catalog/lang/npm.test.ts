import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogNpm, npmCataloger, parseNpmManifest } from '../../../src/catalog/lang/npm.js';
import { catalogContext, specsFromDir } from '../../helpers/catalog-context.js';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../fixtures/lang/npm/${name}/package.json`, import.meta.url));
const globs = npmCataloger.globs;

describe('npm cataloger', () => {
  it('finds app and global packages, scoped ones included, with license, location and layer', () => {
    const ctx = catalogContext(
      [
        { path: 'app/node_modules/semver/package.json', content: fixture('semver'), layer: 2 },
        { path: 'app/node_modules/semver/index.js', content: 'module.exports = {}' },
        { path: 'app/node_modules/@types/semver/package.json', content: fixture('types-semver'), layer: 3 },
        {
          path: 'usr/local/lib/node_modules/picomatch/package.json',
          content: fixture('picomatch'),
          layer: 1,
        },
      ],
      { captureGlobs: globs },
    );
    const { packages, problems } = catalogNpm(ctx);
    expect(problems).toEqual([]);
    expect(packages.map((p) => [p.name, p.version, p.license, p.location, p.layer])).toEqual([
      ['@types/semver', '7.8.0', 'MIT', 'app/node_modules/@types/semver/package.json', 3],
      ['semver', '7.8.6', 'ISC', 'app/node_modules/semver/package.json', 2],
      ['picomatch', '4.0.7', 'MIT', 'usr/local/lib/node_modules/picomatch/package.json', 1],
    ]);
    expect(packages.every((p) => p.ecosystem === 'npm')).toBe(true);
  });

  it('owns files and links below the package folder but not nested packages, plus its .bin links', () => {
    const ctx = catalogContext(
      [
        { path: 'app/node_modules/semver/package.json', content: fixture('semver') },
        { path: 'app/node_modules/semver/bin/semver.js', content: '#!/usr/bin/env node', mode: 0o755 },
        { path: 'app/node_modules/semver/functions/parse.js', content: 'x' },
        { path: 'app/node_modules/semver/link-to-parse.js', type: 'symlink', link: 'functions/parse.js' },
        {
          path: 'app/node_modules/semver/node_modules/lru-cache/package.json',
          content: '{"name":"lru-cache","version":"6.0.0"}',
        },
        { path: 'app/node_modules/semver/node_modules/lru-cache/index.js', content: 'y' },
        { path: 'app/node_modules/.bin/semver', type: 'symlink', link: '../semver/bin/semver.js' },
        { path: 'app/node_modules/.bin/other', type: 'symlink', link: '../other/cli.js' },
      ],
      { captureGlobs: globs },
    );
    const { packages } = catalogNpm(ctx);
    const semver = packages.find((p) => p.name === 'semver');
    expect(semver?.files.map((f) => f.path)).toEqual([
      'app/node_modules/.bin/semver',
      'app/node_modules/semver/bin/semver.js',
      'app/node_modules/semver/functions/parse.js',
      'app/node_modules/semver/link-to-parse.js',
      'app/node_modules/semver/package.json',
    ]);
    const lru = packages.find((p) => p.name === 'lru-cache');
    expect(lru?.files.map((f) => f.path)).toEqual([
      'app/node_modules/semver/node_modules/lru-cache/index.js',
      'app/node_modules/semver/node_modules/lru-cache/package.json',
    ]);
  });

  it('skips package.json files that are not installed packages', () => {
    const ctx = catalogContext(
      [
        { path: 'node_modules/esm-only/package.json', content: '{"type":"module"}' },
        { path: 'node_modules/@scope/package.json', content: '{"private":true}' },
        { path: 'node_modules/noversion/package.json', content: '{"name":"noversion"}' },
      ],
      { captureGlobs: globs },
    );
    expect(catalogNpm(ctx)).toEqual({ packages: [], problems: [] });
  });

  it('reports malformed JSON as a problem tied to its path and layer and keeps going', () => {
    const ctx = catalogContext(
      [
        { path: 'node_modules/broken/package.json', content: '{"name": "broken", "version": ', layer: 4 },
        { path: 'node_modules/array/package.json', content: '[1,2]', layer: 4 },
        { path: 'node_modules/semver/package.json', content: fixture('semver') },
      ],
      { captureGlobs: globs },
    );
    const { packages, problems } = catalogNpm(ctx);
    expect(packages.map((p) => p.name)).toEqual(['semver']);
    expect(problems.map((p) => [p.code, p.path, p.layer])).toEqual([
      ['NPM_PACKAGE_JSON_INVALID', 'node_modules/array/package.json', 4],
      ['NPM_PACKAGE_JSON_INVALID', 'node_modules/broken/package.json', 4],
    ]);
  });

  it('reads legacy license forms', () => {
    expect(parseNpmManifest('{"name":"a","version":"1.0.0","license":{"type":"BSD"}}')?.license).toBe('BSD');
    expect(
      parseNpmManifest('{"name":"a","version":"1.0.0","licenses":[{"type":"MIT"},{"type":"Apache-2.0"}]}')
        ?.license,
    ).toBe('(MIT OR Apache-2.0)');
    expect(parseNpmManifest('{"name":"a","version":"1.0.0"}')?.license).toBeUndefined();
  });
});

describe('npm cataloger on this repository’s own installed packages', () => {
  const root = fileURLToPath(new URL('../../../node_modules', import.meta.url));
  const names = ['picomatch', 'semver', '@types/semver', 'tar-stream'].filter((n) =>
    existsSync(`${root}/${n}/package.json`),
  );

  it.each(names)('owns every file of node_modules/%s exactly once', (name) => {
    const specs = specsFromDir(`${root}/${name}`, `app/node_modules/${name}`);
    const ctx = catalogContext(specs, { captureGlobs: npmCataloger.globs });
    const { packages, problems } = catalogNpm(ctx);
    expect(problems).toEqual([]);
    const manifest = JSON.parse(readFileSync(`${root}/${name}/package.json`, 'utf8')) as {
      name: string;
      version: string;
    };
    const own = packages.find((p) => p.location === `app/node_modules/${name}/package.json`);
    expect([own?.name, own?.version]).toEqual([manifest.name, manifest.version]);
    const expected = specs
      .filter(
        (s) =>
          s.type !== 'dir' &&
          !s.path.slice(`app/node_modules/${name}/`.length).split('/').includes('node_modules'),
      )
      .map((s) => s.path)
      .sort();
    expect(own?.files.map((f) => f.path)).toEqual(expected);
  });
});
