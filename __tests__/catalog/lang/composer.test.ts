import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogComposer, composerCataloger } from '../../../src/catalog/lang/composer.js';
import { catalogContext } from '../../helpers/catalog-context.js';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../fixtures/lang/composer/${name}`, import.meta.url));
const globs = composerCataloger.globs;

describe('composer cataloger', () => {
  it('reads Composer 2 installed.json with install paths and dev packages', () => {
    const ctx = catalogContext(
      [
        { path: 'var/www/vendor/composer/installed.json', content: fixture('installed-v2.json'), layer: 3 },
        { path: 'var/www/vendor/monolog/monolog/src/Monolog/Logger.php', content: '<?php' },
        { path: 'var/www/vendor/monolog/monolog/composer.json', content: '{}' },
        { path: 'var/www/vendor/psr/log/src/LoggerInterface.php', content: '<?php' },
        { path: 'var/www/vendor/psr/log-extra/x.php', content: 'not psr/log' },
      ],
      { captureGlobs: globs },
    );
    const { packages, problems } = catalogComposer(ctx);
    expect(problems).toEqual([]);
    expect(
      packages.map((p) => [p.ecosystem, p.name, p.version, p.license, p.metadata?.dev, p.location, p.layer]),
    ).toEqual([
      ['composer', 'monolog/monolog', '3.4.0', 'MIT', undefined, 'var/www/vendor/composer/installed.json', 3],
      ['composer', 'psr/log', '3.0.0', 'MIT', undefined, 'var/www/vendor/composer/installed.json', 3],
      [
        'composer',
        'phpunit/php-timer',
        '6.0.0',
        'BSD-3-Clause',
        'true',
        'var/www/vendor/composer/installed.json',
        3,
      ],
    ]);
    expect(packages[0]?.files.map((f) => f.path)).toEqual([
      'var/www/vendor/monolog/monolog/composer.json',
      'var/www/vendor/monolog/monolog/src/Monolog/Logger.php',
    ]);
    expect(packages[1]?.files.map((f) => f.path)).toEqual(['var/www/vendor/psr/log/src/LoggerInterface.php']);
  });

  it('reads Composer 1 arrays, owning vendor/<name>', () => {
    const ctx = catalogContext(
      [
        { path: 'app/vendor/composer/installed.json', content: fixture('installed-v1.json') },
        { path: 'app/vendor/guzzlehttp/psr7/src/Message.php', content: '<?php' },
      ],
      { captureGlobs: globs },
    );
    const { packages } = catalogComposer(ctx);
    expect(packages.map((p) => [p.name, p.version, p.files.map((f) => f.path)])).toEqual([
      ['guzzlehttp/psr7', '1.9.1', ['app/vendor/guzzlehttp/psr7/src/Message.php']],
      ['symfony/polyfill-mbstring', 'v1.27.0', []],
    ]);
  });

  it('reports malformed files and entries; an install path cannot reach the image root', () => {
    const ctx = catalogContext(
      [
        { path: 'a/vendor/composer/installed.json', content: '{"packages": [', layer: 2 },
        { path: 'b/vendor/composer/installed.json', content: '{"name": "not a list"}' },
        {
          path: 'c/vendor/composer/installed.json',
          content: JSON.stringify({
            packages: [
              { name: 'x/y' },
              42,
              { name: 'ok/ok', version: '1.0.0', 'install-path': '../../../../..' },
            ],
          }),
        },
        { path: 'etc/passwd', content: 'root:x:0:0' },
      ],
      { captureGlobs: globs },
    );
    const { packages, problems } = catalogComposer(ctx);
    expect(problems.map((p) => [p.code, p.path, p.layer])).toEqual([
      ['COMPOSER_INSTALLED_JSON_INVALID', 'a/vendor/composer/installed.json', 2],
      ['COMPOSER_INSTALLED_JSON_INVALID', 'b/vendor/composer/installed.json', 0],
      ['COMPOSER_INSTALLED_JSON_INVALID', 'c/vendor/composer/installed.json', 0],
    ]);
    expect(problems[2]?.message).toMatch(/^2 package entries/);
    expect(packages.map((p) => [p.name, p.files])).toEqual([['ok/ok', []]]);
  });
});
