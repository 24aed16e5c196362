import { describe, expect, it } from 'vitest';
import { parseTextChangelog } from '../../src/catalog/changelog/text-changelog.js';
import type { Package } from '../../src/catalog/types.js';
import { changeNotes } from '../../src/diff/change-notes.js';

const PATH = 'app/node_modules/express/History.md';
const HISTORY =
  '5.0.0-beta.1 / 2025-01-01\n==========\n\n  * written ahead of the release\n\n' +
  '4.21.2 / 2024-11-06\n==========\n\n  * deps: path-to-regexp@0.1.12\n\n' +
  '4.21.1 / 2024-10-08\n==========\n\n  * Backported a fix for [CVE-2024-47764](https://nvd.nist.gov/vuln/detail/CVE-2024-47764) (GHSA-pxg6-pf52-xh8x)\n\n' +
  '4.21.0 / 2024-09-11\n==========\n\n  * deps: qs@6.13.0\n\n' +
  '4.19.2 / 2024-03-25\n==========\n\n  * Improved fix for open redirect allow list bypass\n';

const npm = (version: string, extra: Partial<Package> = {}): Package => ({
  ecosystem: 'npm',
  name: 'express',
  version,
  location: 'app/node_modules/express/package.json',
  layer: 0,
  files: [],
  ...extra,
});
const withHistory = (version: string, text = HISTORY): Package =>
  npm(version, { changelog: { format: 'text', path: PATH, entries: parseTextChangelog(text).entries } });

describe('change notes from a language package CHANGELOG', () => {
  it('are the sections after the old version up to the new one, with their CVE and GHSA ids', () => {
    const notes = changeNotes(npm('4.19.2'), withHistory('4.21.2'))!;
    expect(notes.entries.map((e) => e.version)).toEqual(['4.21.2', '4.21.1', '4.21.0']);
    expect(notes.cves).toEqual(['CVE-2024-47764']);
    expect(notes.advisories).toEqual(['GHSA-pxg6-pf52-xh8x']);
    expect(notes.security).toBe(true);
    expect(notes.source).toBe(PATH);
  });

  it('stop at the first older section when the old version has none of its own', () => {
    const notes = changeNotes(npm('4.20.0'), withHistory('4.21.1'))!;
    expect(notes.entries.map((e) => e.version)).toEqual(['4.21.1', '4.21.0']);
  });

  it('say so and link the repository when the file names no version between the two', () => {
    const stale = withHistory('4.22.0', HISTORY.slice(HISTORY.indexOf('4.19.2')));
    stale.metadata = { repositoryUrl: 'https://github.com/expressjs/express' };
    const notes = changeNotes(npm('4.19.2'), stale)!;
    expect(notes.entries).toEqual([]);
    expect(notes.missing).toBe('its History.md names no version between the two');
    expect(notes.link).toBe('https://github.com/expressjs/express');
  });

  it('link the changelog address from the metadata, before the repository, when no file was read', () => {
    const notes = changeNotes(
      npm('1.0.0', { ecosystem: 'python' }),
      npm('1.1.0', {
        ecosystem: 'python',
        metadata: { changelogUrl: 'https://x.example/CHANGES', repositoryUrl: 'https://x.example/src' },
      }),
    )!;
    expect(notes.link).toBe('https://x.example/CHANGES');
    expect(notes.missing).toMatch(/its metadata names its changelog$/);
    expect(changeNotes(npm('1.0.0'), npm('1.1.0'))).toBeUndefined();
  });

  it('for a downgrade, are the sections the old package had and the new one undoes', () => {
    const older = withHistory('4.19.2', HISTORY.slice(HISTORY.indexOf('4.19.2')));
    const notes = changeNotes(older, withHistory('4.21.2'))!;
    expect(notes.cves).toEqual(['CVE-2024-47764']);
  });
});
