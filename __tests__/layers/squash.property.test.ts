import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedPaths, squashLayers } from '../../src/layers/squash.js';
import { EntryTable } from '../../src/layers/entry-table.js';
import type { EntryType, FileEntry, LayerIndex, Whiteout } from '../../src/layers/types.js';

type Op =
  | { op: 'file'; path: string; content: number }
  | { op: 'dir'; path: string }
  | { op: 'hardlink'; path: string; target: string }
  | { op: 'whiteout'; path: string }
  | { op: 'opaque'; path: string };

interface ModelEntry {
  type: EntryType;
  sha256: string | undefined;
  layer: number;
}

/**
 * The obviously correct, slow model: a flat map, prefix scans for every removal, and every ancestor
 * checked on every insert.
 */
function referenceSquash(layers: Op[][]): Map<string, ModelEntry> {
  const model = new Map<string, ModelEntry>();
  const removeBelow = (dir: string): void => {
    for (const key of [...model.keys()]) if (dir === '' || key.startsWith(`${dir}/`)) model.delete(key);
  };
  layers.forEach((ops, layer) => {
    for (const op of ops) {
      if (op.op === 'opaque') removeBelow(op.path);
      if (op.op === 'whiteout') {
        removeBelow(op.path);
        model.delete(op.path);
      }
    }
    for (const op of ops) {
      if (op.op === 'whiteout' || op.op === 'opaque') continue;
      if (op.op !== 'dir') removeBelow(op.path);
      const parts = op.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const ancestor = parts.slice(0, i).join('/');
        if (model.has(ancestor) && model.get(ancestor)!.type !== 'dir') model.delete(ancestor);
      }
      let sha256: string | undefined;
      if (op.op === 'file') sha256 = `c${op.content}`;
      if (op.op === 'hardlink') {
        const target = model.get(op.target);
        if (target && target.type !== 'dir') sha256 = target.sha256;
      }
      const type: EntryType = op.op === 'file' ? 'file' : op.op === 'dir' ? 'dir' : 'hardlink';
      model.set(op.path, { type, sha256, layer });
    }
  });
  return model;
}

function toIndex(ops: Op[]): LayerIndex {
  const entries: FileEntry[] = [];
  const whiteouts: Whiteout[] = [];
  for (const op of ops) {
    if (op.op === 'whiteout') whiteouts.push({ path: op.path, kind: 'file' });
    else if (op.op === 'opaque') whiteouts.push({ path: op.path, kind: 'opaque' });
    else if (op.op === 'file')
      entries.push({
        path: op.path,
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: 1,
        sha256: `c${op.content}`,
      });
    else if (op.op === 'dir')
      entries.push({ path: op.path, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 });
    else
      entries.push({
        path: op.path,
        type: 'hardlink',
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: 0,
        link: op.target,
      });
  }
  return {
    diffID: 'sha256:x',
    digest: 'sha256:x',
    compression: 'none',
    compressedSize: 0,
    uncompressedSize: 0,
    entries: EntryTable.of(entries),
    whiteouts,
    captured: new Map(),
    warnings: [],
  };
}

// A tiny namespace so operations collide often: three names, up to three levels.
const path = fc
  .array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join('/'));

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('file' as const), path, content: fc.nat(5) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('dir' as const), path }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hardlink' as const), path, target: path }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('whiteout' as const), path }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('opaque' as const), path: fc.oneof(path, fc.constant('')) }),
  },
);

const layers = fc.array(fc.array(op, { maxLength: 12 }), { minLength: 1, maxLength: 5 });

describe('squashLayers (property)', () => {
  it('agrees with a naive reference model for random layers of adds, whiteouts and opaque dirs', () => {
    fc.assert(
      fc.property(layers, (ls) => {
        const tree = squashLayers(ls.map(toIndex));
        const model = referenceSquash(ls);
        expect(sortedPaths(tree)).toEqual([...model.keys()].sort());
        for (const [p, expected] of model) {
          const actual = tree.entries.get(p)!;
          expect({ type: actual.type, sha256: actual.sha256, layer: actual.layer }).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never changes the layer indexes it reads, so one index can serve two trees', () => {
    fc.assert(
      fc.property(layers, (ls) => {
        const indexes = ls.map(toIndex);
        const before = indexes.map((i) => ({ ...i, entries: i.entries.toArray() }));
        const first = squashLayers(indexes);
        const second = squashLayers(indexes);
        expect(indexes.map((i) => ({ ...i, entries: i.entries.toArray() }))).toEqual(before);
        expect([...second.entries]).toEqual([...first.entries]);
        expect(second.warnings).toEqual(first.warnings);
      }),
      { numRuns: 200 },
    );
  });

  it('never lists an entry below a non-directory', () => {
    fc.assert(
      fc.property(layers, (ls) => {
        const tree = squashLayers(ls.map(toIndex));
        for (const p of tree.entries.keys()) {
          const parts = p.split('/');
          for (let i = 1; i < parts.length; i++) {
            const ancestor = tree.entries.get(parts.slice(0, i).join('/'));
            if (ancestor !== undefined) expect(ancestor.type).toBe('dir');
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
