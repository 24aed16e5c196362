// The front doors (adapters): each folder of src/ with a bundle.json. Only they may know the
// environment, argv, GitHub or the terminal (eslint.config.js), and each is bundled from its index.ts
// to the file its bundle.json names (scripts/bundle.mjs). A new front door is one new folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @returns {{ dir: string, entry: string, out: string, target: string, shebang: boolean }[]} sorted by folder */
export function adapters(root = '.') {
  const src = join(root, 'src');
  return readdirSync(src, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(src, d.name, 'bundle.json')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const spec = JSON.parse(readFileSync(join(src, name, 'bundle.json'), 'utf8'));
      return {
        dir: `src/${name}`,
        entry: `src/${name}/index.ts`,
        out: spec.out,
        target: spec.target,
        shebang: spec.shebang === true,
      };
    });
}
