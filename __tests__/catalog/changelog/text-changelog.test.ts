import { describe, expect, it } from 'vitest';
import { MAX_CHANGELOG_CHARS, MAX_ENTRIES } from '../../../src/catalog/changelog/bounds.js';
import { parseTextChangelog, versionOfTitle } from '../../../src/catalog/changelog/text-changelog.js';
import {
  TEXT_HEAD_BYTES,
  isTextChangelogPath,
  textChangelogProbe,
} from '../../../src/catalog/changelog/text-changelog-probe.js';

const versions = (text: string, complete?: boolean) =>
  parseTextChangelog(text, complete === undefined ? {} : { complete }).entries.map((e) => e.version);

describe('the CHANGELOG heading matcher', () => {
  it.each([
    ['## 1.2.3', '1.2.3'],
    ['# v1.2.3', '1.2.3'],
    ['## [1.2.3] - 2020-01-01', '1.2.3'],
    ['# [1.6.0](https://github.com/axios/axios/compare/v1.5.1...v1.6.0) (2023-10-26)', '1.6.0'],
    ['## <a name="2.0.0"></a>[2.0.0](https://x.example/compare) (2021-01-01)', '2.0.0'],
    ['### Version 1.2.3', '1.2.3'],
    ['## Release v4.0.0-beta.2 (unreleased)', '4.0.0-beta.2'],
    ['## axios 1.2.3', '1.2.3'],
    ['## @babel/core@7.22.1', '7.22.1'],
    ['## 2.31.0 (2023-05-22)', '2.31.0'],
    ['## 3.0.0rc1', '3.0.0rc1'],
    ['## 2.0.0.post1 - 2020-01-01', '2.0.0.post1'],
    ['## 1.2.3 / 2020-01-01', '1.2.3'],
    ['## **1.2.3** — codename', '1.2.3'],
    ['## `v7.5.10`', '7.5.10'],
  ])('reads %j as version %s', (line, version) => {
    expect(versions(`${line}\n\n* a change\n`)).toEqual([version]);
  });

  it.each([
    '## Unreleased',
    '## Upgrading to 2.0.0 from 1.x',
    "## What's new in 2.0",
    '### Bug Fixes',
    '## 2020-01-01',
    '## Node 18.0.0 is no longer supported because it reached its end of life',
    '## 5',
  ])('does not read %j as a version heading', (line) => {
    expect(versions(`${line}\n\n* a change\n`)).toEqual([]);
  });

  it('reads setext and reStructuredText underlined headings (History.md, HISTORY.rst)', () => {
    const history =
      '4.21.1 / 2024-10-08\n==========\n\n  * Backported a fix for [CVE-2024-47764](https://nvd.nist.gov/vuln/detail/CVE-2024-47764)\n\n\n' +
      '4.21.0 / 2024-09-11\n==========\n\n  * deps: qs@6.13.0\n\n' +
      '2.30.0 (2023-05-03)\n-------------------\n\n**Dependencies**\n- Added support\n';
    const parsed = parseTextChangelog(history);
    expect(parsed.entries.map((e) => e.version)).toEqual(['4.21.1', '4.21.0', '2.30.0']);
    expect(parsed.entries[0]!.text).toBe('  * Backported a fix for CVE-2024-47764');
    expect(parsed.entries[2]!.text).toBe('Dependencies\n- Added support');
  });

  it('reads plain lines that hold only a version and a date, not prose that starts with one', () => {
    const news =
      'v1.4.0 (2022-02-01)\n  * faster\n\n1.3.0 - Jan 5, 2022\n  * smaller\n\n1.2.0 brings a new API.\n  more text\n' +
      'Version 1.1.0\n  * first\n';
    expect(versions(news)).toEqual(['1.4.0', '1.3.0', '1.1.0']);
    expect(parseTextChangelog(news).entries[1]!.text).toBe(
      '  * smaller\n\n1.2.0 brings a new API.\n  more text',
    );
  });

  it('is strict about plain lines and lenient about marked headings', () => {
    expect(versionOfTitle('1.2.3 is out', true)).toBeUndefined();
    expect(versionOfTitle('1.2.3 (2020-01-01)', true)).toBe('1.2.3');
    expect(versionOfTitle('1.2.3 (the big one)')).toBe('1.2.3');
    expect(versionOfTitle('1.2.3 (the big one)', true)).toBeUndefined();
  });
});

describe('parseTextChangelog', () => {
  const KEEP_A_CHANGELOG =
    '# Changelog\nAll notable changes.\n\n## [Unreleased]\n- pending work\n\n' +
    '## [1.1.0] - 2024-02-01\n### Security\n- Fix [CVE-2024-1234](https://nvd.example/CVE-2024-1234) in the parser\n' +
    '### Added\n- **new** option `x` <img src="https://evil.example/p.png">\n\n' +
    '## [1.0.1] - 2024-01-01\n### Fixed\n- ```\n## 9.9.9 inside a fence is not a heading\n```\n\n## [1.0.0] - 2023-12-01\n- first\n\n' +
    '[1.1.0]: https://example.com/compare/v1.0.1...v1.1.0\n';

  it('keeps one entry per version, newest first, without the preamble or the Unreleased section', () => {
    const parsed = parseTextChangelog(KEEP_A_CHANGELOG);
    expect(parsed.truncated).toBe(false);
    expect(parsed.entries.map((e) => e.version)).toEqual(['1.1.0', '1.0.1', '1.0.0']);
  });

  it('makes markdown plain: link labels (with their CVE ids) kept, tags and emphasis dropped', () => {
    const [first] = parseTextChangelog(KEEP_A_CHANGELOG).entries;
    expect(first!.text).toBe('Security:\n- Fix CVE-2024-1234 in the parser\nAdded:\n- new option `x` ');
  });

  it('leaves out the last section of a head, which may be cut, and says it is truncated', () => {
    const head = KEEP_A_CHANGELOG.slice(0, KEEP_A_CHANGELOG.indexOf('- first'));
    const parsed = parseTextChangelog(head, { complete: false });
    expect(parsed.entries.map((e) => e.version)).toEqual(['1.1.0', '1.0.1']);
    expect(parsed.truncated).toBe(true);
  });

  it('keeps at most MAX_ENTRIES entries of a changelog with 100,000 versions', () => {
    const text = Array.from(
      { length: 100_000 },
      (_, i) => `## 1.0.${100_000 - i}\n* fix CVE-2024-${10_000 + i}\n`,
    ).join('\n');
    const parsed = parseTextChangelog(text);
    expect(parsed.entries).toHaveLength(MAX_ENTRIES);
    expect(parsed.truncated).toBe(true);
    expect(parsed.entries[0]!.version).toBe('1.0.100000');
  });

  it('bounds the text it keeps, whatever the size of one section', () => {
    const huge = `## 2.0.0\n${'* x'.repeat(1_000_000)}\n${'- line\n'.repeat(100_000)}## 1.0.0\n* y\n`;
    const parsed = parseTextChangelog(huge);
    expect(parsed.entries.map((e) => e.version)).toEqual(['2.0.0', '1.0.0']);
    for (const e of parsed.entries) expect(e.text.length).toBeLessThanOrEqual(MAX_CHANGELOG_CHARS);
  });

  it('ends in bounded work on input made to make regular expressions backtrack', () => {
    // Each is a few MB of one repeated pattern on one line or many; a super-linear matcher would not finish.
    const hostile = [
      `## ${'1.'.repeat(500_000)}`,
      `## ${'['.repeat(1_000_000)}`,
      `${'<'.repeat(1_000_000)}\n## 1.0.0\n${'<a '.repeat(500_000)}`,
      `## 1.0.0\n${'[x]('.repeat(500_000)}`,
      `${'v1.0.0 '.repeat(300_000)}`,
      `${'1.2.3\n'.repeat(300_000)}`,
      `${'a\n===\n'.repeat(300_000)}`,
      `## ${'a'.repeat(150)} 1.0.0\n`,
      `## 1.0.0\n${'**'.repeat(1_000_000)}`,
    ];
    for (const text of hostile) {
      const parsed = parseTextChangelog(text);
      expect(parsed.entries.length).toBeLessThanOrEqual(MAX_ENTRIES);
    }
    expect(versions(`${'1.2.3\n'.repeat(300_000)}`)).toHaveLength(MAX_ENTRIES);
  });
});

describe('the text-changelog probe', () => {
  function probe(path: string, bytes: Buffer, chunk = 4096) {
    expect(textChangelogProbe.matches(path, bytes.length, 0o644)).toBe(true);
    const run = textChangelogProbe.start(path, bytes.length);
    for (let i = 0; i < bytes.length; i += chunk) run.write(bytes.subarray(i, i + chunk));
    return run.end();
  }

  it.each([
    'app/node_modules/axios/CHANGELOG.md',
    'usr/lib/node_modules/npm/node_modules/@npmcli/arborist/CHANGELOG.md',
    'srv/node_modules/express/History.md',
    'app/node_modules/x/changelog',
    'app/node_modules/x/NEWS.rst',
    'app/node_modules/x/RELEASE_NOTES.txt',
    'usr/lib/python3/dist-packages/requests-2.31.0.dist-info/HISTORY.rst',
    'usr/local/lib/python3.11/site-packages/foo.egg-info/CHANGES.txt',
    'usr/local/bundle/gems/rack-3.0.8/CHANGELOG.md',
    'var/lib/gems/3.1.0/gems/json-2.6.3/CHANGES.md',
  ])('matches %s', (path) => expect(isTextChangelogPath(path)).toBe(true));

  it.each([
    'app/CHANGELOG.md',
    'app/node_modules/axios/docs/CHANGELOG.md',
    'app/node_modules/.bin/CHANGELOG.md',
    'app/node_modules/axios/CHANGELOG.md.bak',
    'app/node_modules/axios/CHANGELOG.js',
    'usr/share/doc/openssl/changelog.Debian.gz',
    'usr/lib/python3/dist-packages/requests/HISTORY.rst',
    'usr/local/bundle/gems/CHANGELOG.md',
  ])('does not match %s', (path) => expect(isTextChangelogPath(path)).toBe(false));

  it('keeps a whole small file, marked complete', () => {
    expect(probe('a/node_modules/x/CHANGELOG.md', Buffer.from('## 1.0.0\n* one\n'))).toEqual({
      text: '## 1.0.0\n* one\n',
      complete: true,
    });
  });

  it('keeps exactly the head of a big file, never a partial UTF-8 character', () => {
    const big = Buffer.from(`## 1.0.0\n${'é'.repeat(TEXT_HEAD_BYTES)}`);
    const head = probe('a/node_modules/x/CHANGELOG.md', big, 1000)!;
    expect(head.complete).toBe(false);
    expect(Buffer.byteLength(head.text)).toBeLessThanOrEqual(TEXT_HEAD_BYTES);
    expect(Buffer.byteLength(head.text)).toBeGreaterThan(TEXT_HEAD_BYTES - 4);
    expect(head.text).not.toContain('\uFFFD');
  });

  it('keeps nothing of a file that is not text', () => {
    expect(probe('a/node_modules/x/CHANGELOG', Buffer.from('## 1.0.0\n\u0000\u0001binary'))).toBeUndefined();
  });
});
