import { describe, expect, it } from 'vitest';
import type { ChangelogEntry, Inventory } from '../../../src/catalog/types.js';
import { diffInventories } from '../../../src/diff/diff.js';
import type { DiffOptions } from '../../../src/diff/types.js';
import { renderJson } from '../../../src/render/json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { injectionProblems } from '../../render/markdown-checks.js';
import { InventoryBuilder } from '../../helpers/inventory-builder.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };
const DOC = 'usr/share/doc/libssl3/changelog.Debian.gz';

/** The bookworm-security entries of openssl that a downgrade to the release pocket undoes. */
const SECURITY_ENTRIES: ChangelogEntry[] = [
  {
    version: '3.0.15-1~deb12u1',
    distribution: 'bookworm-security',
    text: '  * New upstream version.\n  * CVE-2024-5535 (SSL_select_next_proto buffer overread)\n  * CVE-2024-9143 (low-level GF(2^m) out of bounds)',
  },
  {
    version: '3.0.14-1~deb12u2',
    distribution: 'bookworm-security',
    text: '  * Fix CVE-2024-4741 (use after free in SSL_free_buffers) @maintainer <script>x</script>',
  },
  { version: '3.0.14-1~deb12u1', distribution: 'bookworm', text: '  * CVE-2024-2511 CVE-2024-4603' },
  {
    version: '3.0.13-1~deb12u1',
    distribution: 'bookworm',
    text: '  * CVE-2023-5678 CVE-2023-6129 CVE-2024-0727',
  },
  { version: '3.0.11-1~deb12u2', distribution: 'bookworm-security', text: '  * CVE-2023-5363' },
  { version: '3.0.11-1~deb12u1', distribution: 'bookworm', text: '  * Import 3.0.11' },
];

function pair(): { before: Inventory; after: Inventory } {
  const base = () => new InventoryBuilder().os('debian', '12').layers('debian');
  const before = base()
    .pkg('dpkg', 'libssl3', '3.0.15-1~deb12u1', { arch: 'amd64', files: ['usr/lib/libssl.so.3'] })
    .pkg('dpkg', 'zlib1g', '1:1.2.13.dfsg-1', { arch: 'amd64', files: ['usr/lib/libz.so.1'] })
    .build();
  const after = base()
    .pkg('dpkg', 'libssl3', '3.0.11-1~deb12u1', { arch: 'amd64', files: ['usr/lib/libssl.so.3'] })
    .pkg('dpkg', 'zlib1g', '1:1.2.11.dfsg-1', { arch: 'amd64', files: ['usr/lib/libz.so.1'] })
    .build();
  // The old image's changelog tells what the downgrade undoes; zlib1g has none in either image.
  before.packages.find((p) => p.name === 'libssl3')!.changelog = {
    format: 'debian',
    path: DOC,
    entries: SECURITY_ENTRIES,
  };
  after.packages.find((p) => p.name === 'libssl3')!.changelog = {
    format: 'debian',
    path: DOC,
    entries: SECURITY_ENTRIES.slice(5),
  };
  return { before, after };
}

describe('downgrade attention items', () => {
  const { before, after } = pair();
  const changes = diffInventories(before, after, OPTIONS);
  const downgrades = changes.attention.filter((a) => a.kind === 'downgrade');

  it('name the changelog entries a downgrade undoes and the CVEs they fixed', () => {
    const ssl = downgrades.find((a) => a.where === 'libssl3')!;
    expect(ssl).toMatchObject({
      severity: 'high',
      what: 'package downgraded, reopening CVEs',
      subtype: 'reopens-cve',
      whereKind: 'package',
    });
    expect(ssl.details).toEqual([
      '3.0.15-1~deb12u1 → 3.0.11-1~deb12u1',
      'dpkg',
      'undoes 5 changelog entries (3.0.15-1~deb12u1, 3.0.14-1~deb12u2, 3.0.14-1~deb12u1, and 2 more)',
      'reopens CVE-2023-5363, CVE-2023-5678, CVE-2023-6129, CVE-2024-0727, CVE-2024-2511 and 4 more',
    ]);
    // Exactly the CVEs of the five undone entries, as the package section lists them.
    const notes = changes.packages.find((p) => p.name === 'libssl3')!.changelog!;
    expect(notes.cves).toEqual([
      'CVE-2023-5363',
      'CVE-2023-5678',
      'CVE-2023-6129',
      'CVE-2024-0727',
      'CVE-2024-2511',
      'CVE-2024-4603',
      'CVE-2024-4741',
      'CVE-2024-5535',
      'CVE-2024-9143',
    ]);
  });

  it('keep the plain wording for a downgrade whose changelog is unknown', () => {
    const zlib = downgrades.find((a) => a.where === 'zlib1g')!;
    expect(zlib.what).toBe('package downgraded');
    expect(zlib.subtype).toBeUndefined();
    expect(zlib.details).toEqual(['1:1.2.13.dfsg-1 → 1:1.2.11.dfsg-1', 'dpkg']);
  });

  it('show in the markdown Attention block, escaped, before the folded entries', () => {
    const md = renderMarkdown(changes, { surface: 'comment' });
    const block = md.slice(md.indexOf('**Attention**'), md.indexOf('<details'));
    expect(block).toContain(
      '- 🔴 **package downgraded, reopening CVEs** `libssl3` (3\\.0.15-1\\~deb12u1 → 3.0.11-1\\~deb12u1, dpkg, undoes 5 changelog entries (3.0.15-1\\~deb12u1, 3.0.14-1\\~deb12u2, 3.0.14-1\\~deb12u1, and 2 more), reopens CVE-2023-5363,',
    );
    expect(block).toMatch(/reopens CVE-2023-5363, CVE-2023-5678, .* and 4 more\)/);
    expect(injectionProblems(md)).toEqual([]);
  });

  it('show in the terminal text and the JSON report', () => {
    const text = renderText(changes, { color: false });
    expect(text).toMatch(/package downgraded, reopening CVEs: libssl3 \(.*reopens CVE-2023-5363/);
    const json = JSON.parse(renderJson(changes)) as { attention: Array<{ subtype?: string }> };
    expect(json.attention.map((a) => a.subtype)).toContain('reopens-cve');
  });
});
