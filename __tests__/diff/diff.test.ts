import { describe, expect, it } from 'vitest';
import { InventoryBuilder } from '../helpers/inventory-builder.js';
import { diffInventories } from '../../src/diff/diff.js';

describe('diff: directories a package lists', () => {
  it('explains an empty directory added by a package instead of calling it non-packaged', () => {
    const before = new InventoryBuilder().build();
    const afterB = new InventoryBuilder();
    afterB.dir('etc/ssl/certs');
    afterB.dir('srv/empty');
    const after = afterB.build();
    after.packages.push({
      ecosystem: 'dpkg',
      name: 'ca-certificates',
      version: '1',
      location: 'var/lib/dpkg/status',
      layer: 0,
      files: [{ path: 'etc/ssl/certs' }],
    });
    const changes = diffInventories(before, after, { exclude: [], defaultExcludes: true, depth: 2 });
    const certs = changes.files.find((f) => f.path === 'etc/ssl/certs');
    expect(certs).toMatchObject({
      kind: 'added',
      ownership: 'package',
      owners: [{ ecosystem: 'dpkg', name: 'ca-certificates' }],
    });
    expect(changes.files.find((f) => f.path === 'srv/empty')).toMatchObject({
      kind: 'added',
      ownership: 'none',
    });
  });
});
