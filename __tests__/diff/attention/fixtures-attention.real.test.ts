import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffOptions } from '../../../src/diff/types.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { nonPackagedRows } from '../../../src/render/file-rows.js';
import { compareImages } from '../../../src/scan/compare-images.js';
import { hasSharedFixtures, repoRoot, sharedFixtures } from '../../world/world.js';
import { markdownToHtml, textOf } from '../../helpers/github-html.js';

/**
 * Issue 14 on the published Alpine and busybox root filesystems (../shared/fixtures): busybox's ~400
 * hardlinks of one binary are one row, the Alpine upgrade's Attention items are all on the first
 * screen, and a docker-archive (uncompressed layers) is not compared with a gzip image by size.
 */
if (!hasSharedFixtures) console.warn(`skipping the Attention fixtures: ${sharedFixtures} is absent`);

const archive = (kind: 'oci-archive' | 'docker-archive', file: string) =>
  `${kind}:${relative(repoRoot, join(sharedFixtures, 'images', file))}`;
const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };
const firstScreen = (md: string) =>
  md.slice(0, md.indexOf('<details') < 0 ? md.length : md.indexOf('<details'));

describe.skipIf(!hasSharedFixtures)('Attention and noise folding on the shared fixtures', () => {
  it('shows busybox latest-1 -> latest without a row per hardlink of the one binary', async () => {
    const { changes } = await compareImages(
      archive('oci-archive', 'busybox-glibc-latest-1.oci.tar'),
      archive('oci-archive', 'busybox-glibc-latest.oci.tar'),
      { ...OPTIONS, depth: 'all' },
    );
    const changed = changes.files.filter((f) => f.excluded !== true && f.path.startsWith('bin/'));
    expect(changed.length).toBeGreaterThan(300);
    // The binary cataloger names busybox, so its names are one package row with a count; were they
    // non-packaged, they would be one hardlinks row under their target.
    const pkg = changes.packages.find((p) => p.name === 'busybox');
    const fold = changes.folds.find((f) => f.kind === 'hardlinks');
    expect((pkg?.fileChanges ?? 0) + (fold?.paths ?? 0)).toBeGreaterThan(300);
    const rows = nonPackagedRows(changes).length;
    expect(rows).toBeLessThan(10);
    const md = renderMarkdown(changes, { surface: 'comment' });
    const named = new Set(md.match(/`bin\/[^`]+`/g) ?? []);
    expect(named.size).toBeLessThanOrEqual(5);
  }, 300_000);

  it('names every Attention item of the Alpine upgrade on the first screen', async () => {
    const { changes } = await compareImages(
      archive('oci-archive', 'alpine-3.19.4.oci.tar'),
      archive('oci-archive', 'alpine-3.19.4-to-3.20.3.oci.tar'),
      OPTIONS,
    );
    expect(changes.attention.length).toBeGreaterThan(20);
    const top = textOf(markdownToHtml(firstScreen(renderMarkdown(changes, { surface: 'comment' }))));
    for (const item of changes.attention) expect(top, `${item.what} ${item.where}`).toContain(item.where);
    expect(top).toContain('major OS release upgrade');
    expect(top).toContain('login shell changed root (/bin/ash → /bin/sh)');
  }, 300_000);

  it('does not compare the compressed size of a docker-archive with a gzip image', async () => {
    const { changes } = await compareImages(
      archive('oci-archive', 'alpine-3.19.4.oci.tar'),
      archive('docker-archive', 'alpine-3.19.4-to-3.20.3.docker.tar'),
      OPTIONS,
    );
    const md = renderMarkdown(changes, { surface: 'comment' });
    const row = md.split('\n').find((l) => l.startsWith('| Size (compressed)'));
    // skopeo wrote this docker-archive with its first layer still gzip and the upgrade layer as a plain tar.
    expect(row).toContain(
      'not compared: the previous image stores its layers gzip, the new one gzip and uncompressed (as a docker-archive stores them)',
    );
    expect(row).not.toContain('%');
  }, 300_000);
});
