import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseDebianChangelog } from '../../../src/catalog/changelog/debian-changelog.js';
import {
  DEBIAN_CHANGELOG_PROBE_ID,
  HEAD_BYTES,
  debianChangelogProbe,
  debianChangelogText,
  type DebianChangelogHead,
} from '../../../src/catalog/changelog/debian-changelog-probe.js';
import { debianChangelogOf } from '../../../src/catalog/os/dpkg-changelog.js';
import { catalogContext } from '../../helpers/catalog-context.js';
import { MAX_ENTRIES } from '../../../src/catalog/changelog/bounds.js';

const entry = (version: string, dist: string, lines: string[], urgency = 'medium') =>
  `openssl (${version}) ${dist}; urgency=${urgency}\n\n${lines.map((l) => `  ${l}`).join('\n')}\n\n -- Jane Doe <jane@example.org>  Mon, 01 Jan 2024 10:00:00 +0000\n\n`;

const SAMPLE =
  entry(
    '3.0.15-1~deb12u1',
    'bookworm-security',
    ['* New upstream version.', '* Fixes CVE-2024-5535 and', '  CVE-2024-9143.'],
    'high',
  ) +
  entry('3.0.14-1~deb12u2', 'bookworm', ['* Rebuild (Closes: #1060000, #1060001).']) +
  'Local variables:\nmode: debian-changelog\nEnd:\n';

/** What the probe keeps of a file, as kept. */
function probeResult(path: string, bytes: Buffer, chunk = 4096): DebianChangelogHead {
  expect(debianChangelogProbe.matches(path, bytes.length, 0o644)).toBe(true);
  const run = debianChangelogProbe.start(path, bytes.length);
  for (let i = 0; i < bytes.length; i += chunk) run.write(bytes.subarray(i, i + chunk));
  return run.end()!;
}

/** The head as a reader of it sees it: its text, whether that is all, and why not. */
function probe(path: string, bytes: Buffer, chunk = 4096) {
  const { complete, error } = probeResult(path, bytes, chunk);
  const text = debianChangelogText(probeResult(path, bytes, chunk));
  return error === undefined ? { text, complete } : { text, complete, error };
}

describe('parseDebianChangelog', () => {
  it('reads version, distribution, urgency, author, date and text of each entry, newest first', () => {
    const parsed = parseDebianChangelog(SAMPLE);
    expect(parsed.truncated).toBe(false);
    expect(parsed.source).toBe('openssl');
    expect(parsed.entries).toEqual([
      {
        version: '3.0.15-1~deb12u1',
        distribution: 'bookworm-security',
        urgency: 'high',
        author: 'Jane Doe <jane@example.org>',
        time: Date.UTC(2024, 0, 1, 10) / 1000,
        text: '  * New upstream version.\n  * Fixes CVE-2024-5535 and\n    CVE-2024-9143.',
      },
      expect.objectContaining({ version: '3.0.14-1~deb12u2', distribution: 'bookworm' }),
    ]);
  });

  it('drops an entry without its trailer and says the list is truncated', () => {
    const cut = SAMPLE.slice(0, SAMPLE.indexOf(' -- Jane', SAMPLE.indexOf('3.0.14')));
    const parsed = parseDebianChangelog(cut);
    expect(parsed.entries.map((e) => e.version)).toEqual(['3.0.15-1~deb12u1']);
    expect(parsed.truncated).toBe(true);
  });

  it('keeps at most MAX_ENTRIES entries of a changelog with 100,000 (bounded work, marked truncated)', () => {
    const many = Array.from({ length: 100_000 }, (_, i) =>
      entry(`1.0-${100_000 - i}`, 'unstable', ['* x']),
    ).join('');
    const parsed = parseDebianChangelog(many);
    expect(parsed.entries.length).toBe(MAX_ENTRIES);
    expect(parsed.truncated).toBe(true);
  });
});

describe('debianChangelogProbe', () => {
  it('asks only for changelog.Debian files of a doc directory (binNMU ones included) and changelog.gz', () => {
    const m = (p: string) => debianChangelogProbe.matches(p, 100, 0o644);
    expect(m('usr/share/doc/curl/changelog.Debian.gz')).toBe(true);
    expect(m('usr/share/doc/libbrotli1/changelog.Debian.amd64.gz')).toBe(true);
    expect(m('usr/share/doc/apt/changelog.gz')).toBe(true);
    expect(m('usr/share/doc/curl/changelog')).toBe(false);
    expect(m('usr/share/doc/curl/NEWS.gz')).toBe(false);
    expect(m('usr/share/doc/curl/sub/changelog.Debian.gz')).toBe(false);
    expect(m('opt/usr/share/doc/curl/changelog.Debian.gz')).toBe(false);
  });

  it('inflates a whole small changelog while it streams', () => {
    const head = probe('usr/share/doc/openssl/changelog.Debian.gz', gzipSync(SAMPLE), 7);
    expect(head).toEqual({ text: SAMPLE, complete: true });
  });

  it('keeps only HEAD_BYTES of a huge changelog (and of a gzip bomb)', () => {
    const huge = Array.from({ length: 20_000 }, (_, i) =>
      entry(`1.0-${20_000 - i}`, 'unstable', ['* x']),
    ).join('');
    const head = probe('usr/share/doc/big/changelog.Debian.gz', gzipSync(huge));
    expect(head.complete).toBe(false);
    expect(Buffer.byteLength(head.text)).toBe(HEAD_BYTES);
    expect(huge.startsWith(head.text)).toBe(true);
    const bomb = probe('usr/share/doc/bomb/changelog.Debian.gz', gzipSync(Buffer.alloc(200 << 20)), 1 << 20);
    expect(Buffer.byteLength(bomb.text)).toBe(HEAD_BYTES);
  });

  it('keeps a gzip head as the compressed bytes that hold it, whatever the chunking', () => {
    const huge = Array.from({ length: 20_000 }, (_, i) =>
      entry(`1.0-${20_000 - i}`, 'unstable', ['* x']),
    ).join('');
    const gz = gzipSync(huge);
    const kept = probeResult('usr/share/doc/big/changelog.Debian.gz', gz, 1000);
    expect(kept.text).toBeUndefined();
    expect(kept).toEqual(probeResult('usr/share/doc/big/changelog.Debian.gz', gz, 65536));
    const bytes = Buffer.from(kept.gzip ?? '', 'base64');
    expect(gz.subarray(0, bytes.length).equals(bytes)).toBe(true);
    expect(bytes.length).toBeLessThan(HEAD_BYTES / 4);
    expect(debianChangelogText(kept)).toBe(huge.slice(0, HEAD_BYTES));
    const small = probeResult('usr/share/doc/openssl/changelog.Debian.gz', gzipSync(SAMPLE), 7);
    expect(small).toEqual({ gzip: gzipSync(SAMPLE).toString('base64'), complete: true });
  });

  it("reads a head back as the probe read it, also where zlib would refuse the stream's trailer", () => {
    const gz = gzipSync(SAMPLE);
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 8]! ^= 0xff;
    const badLength = Buffer.from(gz);
    badLength[badLength.length - 1]! ^= 0x01;
    const multi = Buffer.concat([gzipSync('first member\n'), gzipSync('second member\n')]);
    for (const bytes of [gz, badCrc, badLength]) {
      const kept = probeResult('usr/share/doc/openssl/changelog.Debian.gz', bytes);
      expect(kept.gzip).toBeDefined();
      expect(debianChangelogText(kept)).toBe(SAMPLE);
    }
    const kept = probeResult('usr/share/doc/p/changelog.Debian.gz', multi);
    expect(debianChangelogText(kept)).toBe('first member\nsecond member\n');
  });

  it('keeps what a truncated gzip stream held, marked incomplete with the reason', () => {
    const gz = gzipSync(SAMPLE);
    const head = probe('usr/share/doc/openssl/changelog.Debian.gz', gz.subarray(0, gz.length - 12));
    expect(head.complete).toBe(false);
    expect(head.error).toMatch(/truncated or damaged gzip/);
    expect(SAMPLE.startsWith(head.text)).toBe(true);
    const garbage = probe('usr/share/doc/x/changelog.Debian.gz', Buffer.from('not gzip at all'));
    expect(garbage).toMatchObject({ text: '', complete: false });
  });
});

describe('debianChangelogOf', () => {
  const head = (text: string) => ({ [DEBIAN_CHANGELOG_PROBE_ID]: { text, complete: true } });
  const nativeText = SAMPLE.replaceAll('openssl (', 'apt (');

  it("takes a Debian-native package's changelog.gz (apt, dpkg) when there is no changelog.Debian.gz", () => {
    const ctx = catalogContext([
      { path: 'usr/share/doc/apt', type: 'dir' },
      { path: 'usr/share/doc/apt/changelog.gz', content: 'x', probes: head(nativeText) },
    ]);
    const changelog = debianChangelogOf(ctx, { name: 'apt', arch: 'amd64' });
    expect(changelog?.path).toBe('usr/share/doc/apt/changelog.gz');
    expect(changelog?.entries.map((e) => e.version)).toEqual(['3.0.15-1~deb12u1', '3.0.14-1~deb12u2']);
  });

  it("prefers changelog.Debian.gz, and never reads an upstream changelog.gz as Debian's", () => {
    const upstream = '2024-01-01  Jane Doe  <jane@example.org>\n\n\t* lib/url.c: fix CVE-2024-0001.\n';
    const both = catalogContext([
      { path: 'usr/share/doc/curl', type: 'dir' },
      { path: 'usr/share/doc/curl/changelog.gz', content: 'x', probes: head(upstream) },
      { path: 'usr/share/doc/curl/changelog.Debian.gz', content: 'x', probes: head(SAMPLE) },
    ]);
    expect(debianChangelogOf(both, { name: 'curl', arch: 'amd64' })?.path).toBe(
      'usr/share/doc/curl/changelog.Debian.gz',
    );
    const upstreamOnly = catalogContext([
      { path: 'usr/share/doc/curl', type: 'dir' },
      { path: 'usr/share/doc/curl/changelog.gz', content: 'x', probes: head(upstream) },
    ]);
    expect(debianChangelogOf(upstreamOnly, { name: 'curl', arch: 'amd64' })).toBeUndefined();
  });
});
