// Bundles the action (dist/index.js) and the CLI (dist/cli.js) as ESM for Node, and copies the
// sql.js WebAssembly beside them (rpm SQLite databases). Deterministic: no timestamps, no metafile.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
mkdirSync('dist', { recursive: true });

// CommonJS dependencies bundled into ESM need `require`, `__filename` and `__dirname`.
const banner = [
  "import { createRequire as __icCreateRequire } from 'node:module';",
  "import { fileURLToPath as __icFileURLToPath } from 'node:url';",
  "import { dirname as __icDirname } from 'node:path';",
  'const require = __icCreateRequire(import.meta.url);',
  'const __filename = __icFileURLToPath(import.meta.url);',
  'const __dirname = __icDirname(__filename);',
].join('\n');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Libraries check error classes by name (@actions/cache's ReserveCacheError): keep the names.
  keepNames: true,
  banner: { js: banner },
};

const entries = [
  { in: 'src/action/index.ts', out: 'dist/index.js', target: 'node24' },
  { in: 'src/cli/index.ts', out: 'dist/cli.js', target: 'node20', shebang: true },
];
for (const e of entries) {
  if (!existsSync(e.in)) continue;
  await build({
    ...common,
    entryPoints: [e.in],
    outfile: e.out,
    target: e.target,
    banner: { js: (e.shebang ? '#!/usr/bin/env node\n' : '') + banner },
  });
  if (e.shebang) chmodSync(e.out, 0o755);
}
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');
