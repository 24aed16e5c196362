// Bundles each front door (the action's dist/index.js, the CLI's dist/cli.js) as ESM for Node, and copies the
// sql.js WebAssembly beside them (rpm SQLite databases). Deterministic: no timestamps, no metafile.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { adapters } from './adapters.mjs';

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

// One bundle per front door (src/<adapter>/bundle.json: the action's dist/index.js, the CLI's dist/cli.js).
for (const e of adapters()) {
  if (!existsSync(e.entry)) continue;
  await build({
    ...common,
    entryPoints: [e.entry],
    outfile: e.out,
    target: e.target,
    banner: { js: (e.shebang ? '#!/usr/bin/env node\n' : '') + banner },
  });
  if (e.shebang) chmodSync(e.out, 0o755);
}
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');
