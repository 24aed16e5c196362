import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveOwnership } from '../../src/catalog/ownership.js';
import { fileList } from '../../src/catalog/file-list.js';
import type { TreeEntry } from '../../src/layers/types.js';
import { diffFiles } from '../../src/diff/files.js';

/**
 * Over two squashed trees the file diff passes unchanged paths over on the columns; over plain lists
 * it compares every path's objects. Both must find the same changes.
 */
const PATHS = ['a', 'a/b', 'a/b/c', 'a-b', 'a-b/x', 'a/c', 'd', 'd/e', 'e'];
const SHA = ['a'.repeat(64), 'b'.repeat(64)];

/** A value, or (`odds` times as often) none. */
const rarely = <T>(value: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 1, arbitrary: value }, { weight: odds, arbitrary: fc.constant(undefined) });

/** The same entry with one fact changed (or none). */
const changed = (e: TreeEntry): fc.Arbitrary<TreeEntry> =>
  fc
    .tuple(
      entry(e.path),
      fc.constantFrom('none', 'type', 'mode', 'uid', 'gid', 'size', 'sha256', 'link', 'xattrs', 'devmajor'),
    )
    .map(([other, key]) => {
      if (key === 'none') return e;
      const out = { ...e } as Record<string, unknown>;
      const value = (other as unknown as Record<string, unknown>)[key];
      if (value === undefined) delete out[key];
      else out[key] = value;
      if (key === 'devmajor') out.devminor = value === undefined ? undefined : 3;
      if (out.devminor === undefined) delete out.devminor;
      return out as unknown as TreeEntry;
    });

const entry = (path: string): fc.Arbitrary<TreeEntry> =>
  fc
    .record({
      type: fc.constantFrom('file', 'dir', 'symlink', 'hardlink', 'char'),
      mode: fc.constantFrom(0o644, 0o755, 0o4755),
      uid: fc.constantFrom(0, 1),
      gid: fc.constantFrom(0, 2),
      size: fc.constantFrom(0, 3),
      sha256: rarely(fc.constantFrom(...SHA), 1),
      link: rarely(fc.constantFrom('x', 'y'), 1),
      xattrs: rarely(fc.constant({ 'user.a': 'eA==' }), 6),
      devmajor: rarely(fc.constantFrom(1, 4), 6),
    })
    .map((e) => {
      const out: TreeEntry = {
        path,
        type: e.type,
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
        size: e.size,
        layer: 0,
      };
      if (e.sha256 !== undefined) out.sha256 = e.sha256;
      if (e.link !== undefined) out.link = e.link;
      if (e.xattrs !== undefined) out.xattrs = e.xattrs;
      if (e.devmajor !== undefined) {
        out.devmajor = e.devmajor;
        out.devminor = 3;
      }
      return out;
    });

const tree = fc
  .subarray(PATHS)
  .chain((paths) => fc.tuple(...paths.map(entry)))
  .map((entries): TreeEntry[] => entries);

/** Each of `before`'s entries, changed in one fact or not at all: most paths of a real pair are the same. */
const pair = tree.chain((before) => fc.tuple(fc.constant(before), fc.tuple(...before.map(changed)), tree));

const filesOf = (entries: TreeEntry[]) =>
  resolveOwnership({ entries: new Map(entries.map((e) => [e.path, e])), captured: new Map() }, [], []).files;

describe('a FileList over squashed trees', () => {
  it('finds the same changes on the columns as on the objects', () => {
    fc.assert(
      fc.property(pair, ([before, same, extra]) => {
        const known = new Set(same.map((e) => e.path));
        const after = [...same, ...extra.filter((e) => !known.has(e.path))];
        const [b, a] = [filesOf(before), filesOf(after)];
        expect(diffFiles(b, a)).toEqual(diffFiles(fileList([...b]), fileList([...a])));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers directory and count questions on the columns as the plain list does', () => {
    fc.assert(
      fc.property(tree, (entries) => {
        const columns = filesOf(entries);
        const plain = fileList([...columns]);
        expect(columns.length).toBe(plain.length);
        const shapes = (list: typeof plain) => {
          const out: unknown[] = [];
          list.forEachShape((...shape) => out.push(shape));
          return out;
        };
        expect(shapes(columns)).toEqual(shapes(plain));
        for (const dir of ['', ...PATHS, 'missing']) {
          expect(columns.holdsEntries(dir)).toBe(plain.holdsEntries(dir));
          expect(columns.inDirectory(dir)).toEqual(plain.inDirectory(dir));
          expect(columns.get(dir)).toEqual(plain.get(dir));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
