import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/catalog/types.js';
import { compareCompressedSizes, layerStorage } from '../../src/diff/compressed-size.js';
import { diffInventories } from '../../src/diff/diff.js';
import type { DiffOptions } from '../../src/diff/types.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };

/** An image whose layers are stored as `kinds` say, with sizes as a docker-archive and a gzip image have them. */
function image(...kinds: Array<'gzip' | 'zstd' | 'none'>): Inventory {
  const b = new InventoryBuilder().os('debian', '12').file('etc/motd', { content: kinds.join() });
  b.layers();
  kinds.forEach((k, i) => b.layer(`l${i}-${k}`, k === 'none' ? 30_000 : 7_000));
  const inv = b.build();
  inv.image.layers.forEach((l, i) => (l.compression = kinds[i]));
  return inv;
}

describe('compressed sizes are compared only when both images store layers alike', () => {
  it('names how an image stores its layers', () => {
    expect(layerStorage(image('gzip', 'gzip').image)).toBe('gzip');
    expect(layerStorage(image('zstd', 'gzip').image)).toBe('gzip+zstd');
    const unknown = image('gzip').image;
    delete unknown.layers[0]!.compression;
    expect(layerStorage(unknown)).toBeUndefined();
  });

  it('compares gzip with gzip, and says why uncompressed layers are not compared with gzip', () => {
    expect(compareCompressedSizes(image('gzip').image, image('gzip').image)).toEqual({ comparable: true });
    const cmp = compareCompressedSizes(image('none').image, image('gzip').image);
    expect(cmp).toEqual({
      comparable: false,
      why: 'not compared: the previous image stores its layers uncompressed (as a docker-archive stores them), the new one gzip',
    });
  });

  it('shows no percentage for a docker-archive against a gzip image, in markdown and text', () => {
    const changes = diffInventories(image('none'), image('gzip'), OPTIONS);
    const md = renderMarkdown(changes, { surface: 'comment' });
    const row = md.split('\n').find((l) => l.startsWith('| Size (compressed)'));
    expect(row).toBe(
      '| Size (compressed) | 30.0 kB | 7.0 kB | not compared: the previous image stores its layers uncompressed (as a docker-archive stores them), the new one gzip |',
    );
    const text = renderText(changes, { color: false });
    const line = text.split('\n').find((l) => l.trimStart().startsWith('compressed'));
    expect(line).toContain('not compared');
    expect(line).not.toMatch(/%/);
    // The same storage still gets its change.
    const same = renderMarkdown(diffInventories(image('gzip'), image('gzip', 'gzip'), OPTIONS), {
      surface: 'comment',
    });
    expect(same).toMatch(/\| Size \(compressed\) \| 7.0 kB \| 14.0 kB \| \+7.0 kB \(\+100\.0%\) \|/);
  });
});
