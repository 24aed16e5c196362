import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { renderInspectJson, renderInspectText, summarizeInventory } from '../../src/render/inspect.js';
import { debianChangelogProbe } from '../../src/catalog/changelog/debian-changelog-probe.js';
import { ArrayFileList, inventoryFile } from '../../src/catalog/file-list.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';

describe('inspect summary', () => {
  it('names runtimes and self-named binaries with their versions and where they are', () => {
    const inv = new InventoryBuilder()
      .pkg('runtime', 'node', '20.20.2', { location: 'usr/local', files: ['usr/local/bin/node'] })
      .pkg('binary', 'busybox', '1.38.0\u001b[31m', { location: 'bin/busybox', files: ['bin/busybox'] })
      .pkg('npm', 'left-pad', '1.3.0')
      .build();
    const s = summarizeInventory(inv);
    expect(s.runtimes).toEqual(['node 20.20.2 (usr/local)', 'busybox 1.38.0\u001b[31m (bin/busybox)']);
    const text = renderInspectText(s, []);
    // Control characters from the image are shown, not sent to the terminal.
    expect(text).toContain('runtimes  node 20.20.2 (usr/local), busybox 1.38.0\\x1B[31m (bin/busybox)\n');
    expect(text).not.toContain('\u001b');
  });
});

describe('inspect JSON', () => {
  it('shows a Debian changelog head as its text, not as the gzip bytes the probe keeps', () => {
    const path = 'usr/share/doc/p/changelog.Debian.gz';
    const text = 'p (1.0-1) unstable; urgency=medium\n\n  * Initial release.\n';
    const gz = gzipSync(text);
    const run = debianChangelogProbe.start(path, gz.length);
    run.write(gz);
    const kept = run.end()!;
    expect(kept.gzip).toBeDefined();
    // The inventory's files are built from the tree's entries by inventoryFile, as a scan builds them.
    const entry = { path, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: 1, layer: 0 };
    const file = inventoryFile({ ...entry, probes: { 'debian-changelog': kept, secrets: ['aws'] } }, 'none');
    const inv = { ...new InventoryBuilder().build(), files: new ArrayFileList([file]) };
    const json = JSON.parse(renderInspectJson(inv)) as { files: Array<{ path: string; probes?: unknown }> };
    expect(json.files.find((f) => f.path === path)?.probes).toEqual({
      'debian-changelog': { text, complete: true },
      secrets: ['aws'],
    });
  });
});
