import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from '../../src/catalog/os/apk.js';
import { parseDpkgStatus } from '../../src/catalog/os/dpkg-status.js';

/**
 * Issue 12's crash at full size: a 150 KB (compressed) image whose `var/lib/dpkg/status` is 150
 * million newlines killed the CLI (V8 "invalid size", exit 133) because catalogers split whole
 * captured files into arrays of lines. Parsers now walk the lines one at a time.
 */
const OK_DPKG = 'Package: ok\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n';

describe('package databases of 150 million lines', () => {
  it('parses a dpkg status of 150 million newlines and one package', () => {
    const text = Buffer.from(`${'\n'.repeat(150_000_000)}${OK_DPKG}`).toString('utf8');
    const parsed = parseDpkgStatus(text);
    expect(parsed.records.map((r) => r.name)).toEqual(['ok']);
  }, 120_000);

  it('parses an apk database of 150 million newlines and one package', () => {
    const text = Buffer.from(`${'\n'.repeat(150_000_000)}P:ok\nV:1.0-r0\n`).toString('utf8');
    expect(parseApkInstalled(text).records.map((r) => r.name)).toEqual(['ok']);
  }, 120_000);

  it('parses a dpkg field of 25 million continuation lines (50 MB) as one value', () => {
    const text = Buffer.from(`${OK_DPKG}Description: d\n${' x\n'.repeat(25_000_000)}`).toString('utf8');
    const parsed = parseDpkgStatus(text);
    expect(parsed.records.map((r) => r.name)).toEqual(['ok']);
  }, 120_000);
});
