import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TEXT_CHANGELOG_PROBE_ID,
  textChangelogProbe,
} from '../../../src/catalog/changelog/text-changelog-probe.js';
import { catalogGems, gemCataloger } from '../../../src/catalog/lang/gem.js';
import { catalogNpm, npmCataloger } from '../../../src/catalog/lang/npm.js';
import { normaliseProjectUrl } from '../../../src/catalog/lang/project-links.js';
import { catalogPython, pythonCataloger } from '../../../src/catalog/lang/python.js';
import { catalogContext, type TreeSpec } from '../../helpers/catalog-context.js';

/** A file whose probe result is what the real text-changelog probe makes of its bytes. */
function probed(path: string, content: string): TreeSpec {
  const bytes = Buffer.from(content);
  const probes: Record<string, unknown> = {};
  if (textChangelogProbe.matches(path, bytes.length, 0o644)) {
    const run = textChangelogProbe.start(path, bytes.length);
    for (let i = 0; i < bytes.length; i += 1000) run.write(bytes.subarray(i, i + 1000));
    const head = run.end();
    if (head !== undefined) probes[TEXT_CHANGELOG_PROBE_ID] = head;
  }
  return { path, content, probes };
}

const NEWEST_FIRST =
  '# Changelog\n\n## 2.1.0 (2024-05-01)\n* fix CVE-2024-0001\n\n## 2.0.0 (2024-01-01)\n* breaking\n';
const gemFixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/lang/gem/${name}`, import.meta.url), 'utf8');

describe('language packages: the changelog in the package folder, else the link in the metadata', () => {
  it('npm: reads CHANGELOG.md before History.md, and keeps the repository address', () => {
    const dir = 'app/node_modules/left';
    const ctx = catalogContext(
      [
        {
          path: `${dir}/package.json`,
          content: JSON.stringify({
            name: 'left',
            version: '2.1.0',
            repository: 'git+https://github.com/o/left.git',
          }),
        },
        probed(`${dir}/CHANGELOG.md`, NEWEST_FIRST),
        probed(`${dir}/History.md`, '3.0.0 / 2025-01-01\n==========\n\n* other\n'),
        probed(`${dir}/docs/CHANGELOG.md`, '## 9.0.0\n* not this one\n'),
        {
          path: 'app/node_modules/right/package.json',
          content: '{"name":"right","version":"1.0.0","repository":{"type":"git","url":"github:o/right"}}',
        },
      ],
      { captureGlobs: npmCataloger.globs },
    );
    const { packages } = catalogNpm(ctx);
    const left = packages.find((p) => p.name === 'left')!;
    expect(left.changelog).toEqual({
      format: 'text',
      path: `${dir}/CHANGELOG.md`,
      entries: [
        { version: '2.1.0', text: '* fix CVE-2024-0001' },
        { version: '2.0.0', text: '* breaking' },
      ],
    });
    expect(left.metadata).toEqual({ repositoryUrl: 'https://github.com/o/left' });
    const right = packages.find((p) => p.name === 'right')!;
    expect(right.changelog).toBeUndefined();
    expect(right.metadata).toEqual({ repositoryUrl: 'https://github.com/o/right' });
  });

  it('npm: turns an oldest-first file around when it was kept whole, and leaves out one cut to its head', () => {
    const oldestFirst = '## 1.0.0\n* first\n\n## 1.1.0\n* second\n\n## 1.2.0\n* third\n';
    const ctx = catalogContext(
      [
        { path: 'n/node_modules/a/package.json', content: '{"name":"a","version":"1.2.0"}' },
        probed('n/node_modules/a/NEWS.md', oldestFirst),
        { path: 'n/node_modules/b/package.json', content: '{"name":"b","version":"1.2.0"}' },
        probed('n/node_modules/b/CHANGES', `${oldestFirst}${'\n'.repeat(40_000)}## 1.3.0\n* later\n`),
      ],
      { captureGlobs: npmCataloger.globs },
    );
    const { packages } = catalogNpm(ctx);
    expect(packages.find((p) => p.name === 'a')!.changelog?.entries.map((e) => e.version)).toEqual([
      '1.2.0',
      '1.1.0',
      '1.0.0',
    ]);
    expect(packages.find((p) => p.name === 'b')!.changelog).toBeUndefined();
  });

  it('python: HISTORY.rst in the .dist-info folder, and the Changelog Project-URL', () => {
    const info = 'usr/lib/python3/site-packages/requests-2.31.0.dist-info';
    const ctx = catalogContext(
      [
        {
          path: `${info}/METADATA`,
          content:
            'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nHome-page: https://requests.readthedocs.io\n' +
            'Project-URL: Source, https://github.com/psf/requests\nProject-URL: Change Log, https://github.com/psf/requests/blob/main/HISTORY.md\n\nbody\n',
        },
        probed(
          `${info}/HISTORY.rst`,
          'Release History\n===============\n\n2.31.0 (2023-05-22)\n-------------------\n\n**Security**\n- CVE-2023-32681 fixed\n\n2.30.0 (2023-05-03)\n-------------------\n\n- urllib3 2.0\n',
        ),
      ],
      { captureGlobs: pythonCataloger.globs },
    );
    const [pkg] = catalogPython(ctx).packages;
    expect(pkg!.changelog?.entries).toEqual([
      { version: '2.31.0', text: 'Security\n- CVE-2023-32681 fixed' },
      { version: '2.30.0', text: '- urllib3 2.0' },
    ]);
    expect(pkg!.metadata).toEqual({
      changelogUrl: 'https://github.com/psf/requests/blob/main/HISTORY.md',
      repositoryUrl: 'https://github.com/psf/requests',
    });
  });

  it('gems: CHANGELOG.md in the gem folder, and changelog_uri from the gemspec metadata', () => {
    const home = 'usr/local/bundle';
    const ctx = catalogContext(
      [
        { path: `${home}/specifications/rake-13.0.6.gemspec`, content: gemFixture('rake-13.0.6.gemspec') },
        probed(
          `${home}/gems/rake-13.0.6/History.rdoc`,
          '=== 13.0.6\n\n* Additional fix for #389\n\n=== 13.0.5\n\n* Fixed the regression of #388\n',
        ),
        { path: `${home}/specifications/json-2.6.3.gemspec`, content: gemFixture('json-2.6.3.gemspec') },
      ],
      { captureGlobs: gemCataloger.globs },
    );
    const { packages } = catalogGems(ctx);
    const rake = packages.find((p) => p.name === 'rake')!;
    expect(rake.changelog?.entries.map((e) => e.version)).toEqual(['13.0.6', '13.0.5']);
    expect(rake.metadata).toEqual({
      changelogUrl: 'https://github.com/ruby/rake/blob/v13.0.6/History.rdoc',
      repositoryUrl: 'https://github.com/ruby/rake/tree/v13.0.6',
    });
    expect(packages.find((p) => p.name === 'json')!.metadata).toEqual({
      repositoryUrl: 'http://flori.github.com/json',
    });
  });
});

describe('normaliseProjectUrl', () => {
  it.each([
    ['git+https://github.com/axios/axios.git', 'https://github.com/axios/axios'],
    ['git://github.com/expressjs/express.git', 'https://github.com/expressjs/express'],
    ['git+ssh://git@github.com/o/r.git', 'https://github.com/o/r'],
    ['git@gitlab.com:o/r.git', 'https://gitlab.com/o/r'],
    ['github:o/r', 'https://github.com/o/r'],
    ['bitbucket:o/r', 'https://bitbucket.org/o/r'],
    ['o/r', 'https://github.com/o/r'],
    ['https://example.com/', 'https://example.com'],
    ['https://github.com/o/r#readme', 'https://github.com/o/r#readme'],
  ])('%s -> %s', (raw, url) => expect(normaliseProjectUrl(raw)).toBe(url));

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'https://evil.example/a b',
    'https://user:token@example.com/o/r',
    '<script>',
    `https://example.com/${'a'.repeat(400)}`,
    '',
    42,
  ])('drops %j', (raw) => expect(normaliseProjectUrl(raw)).toBeUndefined());
});
