import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import { parseFiles } from '../lang/tree-paths.js';
import { existing, runtimePackage, treesUnder } from './runtime-package.js';

/**
 * Ruby built from source (the official `ruby` images build it into `/usr/local`): the `rbconfig.rb` it
 * installs at `<prefix>/lib/ruby/<api>/<arch>/rbconfig.rb` states `CONFIG["RUBY_PROGRAM_VERSION"]`
 * (else MAJOR, MINOR and TEENY). The installed `include/ruby-<api>/ruby/version.h` holds only the API
 * version (3.3.0 for every 3.3.x), so it names the tree, not the release. The runtime owns `bin/ruby`,
 * its headers, its standard library `lib/ruby/<api>/` (gems live apart, in `lib/ruby/gems/`),
 * `libruby*`, its pkg-config file and man page.
 */
export const rubyGlobs = ['**/rbconfig.rb'] as const;

function config(text: string, key: string): string | undefined {
  // `[ \\t]*`, not `\\s*`: a multiline `^\\s*` spans every run of blank lines from each of them (quadratic).
  return new RegExp(`^[ \\t]*CONFIG\\["${key}"\\]\\s*=\\s*"([^"\\n]*)"`, 'm').exec(text)?.[1];
}

export interface RbConfig {
  version: string;
  platform?: string;
}

export function parseRbConfig(text: string): RbConfig | undefined {
  let version = config(text, 'RUBY_PROGRAM_VERSION');
  if (!version) {
    const [major, minor, teeny] = ['MAJOR', 'MINOR', 'TEENY'].map((k) => config(text, k));
    if (major && minor && teeny) version = `${major}.${minor}.${teeny}`;
  }
  if (!version || !/^\d+\.\d+/.test(version)) return undefined;
  const platform = config(text, 'arch');
  return platform ? { version, platform } : { version };
}

const LAYOUT = /^(?:(.*)\/)?lib\/ruby\/([^/]+)\/([^/]+)\/rbconfig\.rb$/;

export function catalogRuby(ctx: CatalogContext): CatalogResult {
  const problems: Problem[] = [];
  const packages: Package[] = [];
  for (const { location, layer, value } of parseFiles(
    ctx.files,
    parseRbConfig,
    { code: 'RUNTIME_RECORD_INVALID', what: 'rbconfig.rb' },
    problems,
  )) {
    const m = LAYOUT.exec(location);
    if (!value || !m) continue;
    const prefix = m[1] ?? '';
    const api = m[2] as string;
    const files = [
      ...treesUnder(ctx.tree, prefix, [`include/ruby-${api}`, `lib/ruby/${api}`]),
      existing(ctx.tree, prefix, [
        'bin/ruby',
        'lib/libruby.so',
        `lib/libruby.so.${value.version}`,
        `lib/libruby.so.${api.split('.').slice(0, 2).join('.')}`,
        `lib/libruby-static.a`,
        `lib/pkgconfig/ruby-${api.split('.').slice(0, 2).join('.')}.pc`,
        'share/man/man1/ruby.1',
      ]),
    ];
    const metadata: Record<string, string> = { apiVersion: api };
    if (value.platform) metadata.platform = value.platform;
    packages.push(runtimePackage('ruby', value.version, prefix, { path: location, layer }, files, metadata));
  }
  return { packages, problems };
}

export const rubyRuntimeCataloger: Cataloger = {
  id: 'runtime-ruby',
  ecosystem: 'runtime',
  globs: rubyGlobs,
  stateGlobs: [],
  catalog: catalogRuby,
};
