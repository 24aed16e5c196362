import { describe, expect, it } from 'vitest';
import { renderInspectText, summarizeInventory } from '../../src/render/inspect.js';
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
