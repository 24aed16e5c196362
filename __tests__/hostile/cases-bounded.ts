import assert from 'node:assert/strict';
import { resolveOwnership, resolvePath } from '../../src/catalog/ownership.js';
import type { Package } from '../../src/catalog/types.js';
import { memoryLayer } from '../helpers/memory-layer.js';
import { rawTar } from '../helpers/raw-tar.js';
import { readAndSquash } from './corpus-runner.js';
import { paxData, paxEntry, rawHeader } from './hostile-tar.js';

/**
 * Bounded work (issue 12): small crafted inputs that once cost minutes of CPU or gigabytes of memory.
 * Each case asserts the correct result (or the one clear error); it uses node:assert, not vitest, so
 * `measure-bounded.ts` can run a case alone under `/usr/bin/time -v` for its time and peak memory.
 */
export interface BoundedCase {
  name: string;
  run: () => void | Promise<void>;
}

const pkg = (paths: string[]): Package => ({
  ecosystem: 'dpkg',
  name: 'deep',
  version: '1',
  location: 'var/lib/dpkg/status',
  layer: 0,
  files: paths.map((path) => ({ path })),
});

export const boundedCases: BoundedCase[] = [
  {
    name: 'ownership: 4,000 nested directories behind a symlink (was 189 s)',
    run: async () => {
      const depth = 4_000;
      // Written with raw PAX headers (tar-stream's packer is quadratic in these names).
      const parts = [rawHeader({ name: 'top', typeflag: '2', linkname: 'd' })];
      let path = 'd';
      for (let i = 0; i < depth; i++) {
        parts.push(paxEntry(paxData({ path }), { name: 'dir', typeflag: '5', mode: 0o755 }));
        path += '/d';
      }
      parts.push(paxEntry(paxData({ path: `${path}/f` }), { name: 'f', typeflag: '0', size: 1 }, 'x'));
      const layer = memoryLayer(rawTar(...parts));
      assert.ok(layer.stored.length < 1_000_000, `layer is ${layer.stored.length} bytes`);
      const { tree } = await readAndSquash([layer]);
      // The package lists the file through the symlink; the tree holds it at its real path.
      const listed = `top${path.slice(1)}/f`;
      const { files, problems } = resolveOwnership(tree, [pkg([listed])], []);
      assert.deepEqual(problems, []);
      const file = files.find((f) => f.path === `${path}/f`);
      assert.equal(file?.ownership, 'package');
      assert.deepEqual(file?.owners, ['dpkg:deep']);
    },
  },
  {
    name: 'ownership: one 80,000-segment path and an 80,000-segment symlink target (was 44 s)',
    run: () => {
      const segments = 80_000;
      const long = Array.from({ length: segments }, () => 'a').join('/');
      const up = Array.from({ length: segments }, () => '..').join('/');
      const tree = {
        entries: new Map([
          ['a', { path: 'a', type: 'dir' as const, mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 }],
          [
            'l',
            {
              path: 'l',
              type: 'symlink' as const,
              link: `${long}/${up}/etc`,
              mode: 0o777,
              uid: 0,
              gid: 0,
              size: 0,
              layer: 0,
            },
          ],
          ['etc', { path: 'etc', type: 'dir' as const, mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 }],
          ['etc/f', { path: 'etc/f', type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: 0, layer: 0 }],
        ]),
        captured: new Map(),
      };
      assert.equal(resolvePath(tree, `${long}/f`), `${long}/f`);
      assert.equal(resolvePath(tree, 'l/f'), 'etc/f');
      const { files } = resolveOwnership(tree, [pkg([`${long}/x`, 'l/f'])], []);
      assert.deepEqual(files.find((f) => f.path === 'etc/f')?.owners, ['dpkg:deep']);
    },
  },
];
