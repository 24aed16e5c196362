import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

/** The README's floors table (How it works), top to bottom: the folders of each floor. */
function readmeFloors(): string[][] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /<!-- floors:start -->\n([\s\S]*?)<!-- floors:end -->/.exec(readme)?.[1];
  if (block === undefined)
    throw new Error('README.md lacks the floors table (<!-- floors:start --> ... <!-- floors:end -->)');
  return block
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| floor'))
    .map((line) => [...line.split('|')[2]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import of a file (static, re-exports, dynamic), as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

/** `src/diff/attention/tools.ts` -> `diff`; a file right in src/ (version.ts) belongs to no folder. */
const folderOf = (file: string): string | undefined => {
  const parts = relative(src, file).split('/');
  return parts.length > 1 ? parts[0] : undefined;
};

describe('floors', () => {
  const floors = readmeFloors();
  const floorOf = new Map(floors.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
  const files = sourceFiles(src);

  it("names every folder of src/ once in the README's table", () => {
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect([...floorOf.keys()].sort()).toEqual(folders.sort());
    expect(floors.flat()).toHaveLength(floorOf.size);
  });

  it('has every import run down to a lower floor (never sideways, never up)', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const target of importsOf(file)) {
        const to = folderOf(target);
        if (from === undefined || to === undefined || from === to) continue;
        if (floorOf.get(to)! <= floorOf.get(from)!)
          wrong.push(`${relative(root, file)} -> ${relative(root, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycles between files', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith(src))]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
