import type { Cataloger, CatalogContext, CatalogResult, OwnedFile, Package, Problem } from '../types.js';
import { linkMetadata, packageChangelogIn } from './package-changelog.js';
import { gemProjectLinks, type ProjectLinks } from './project-links.js';
import { basename, dirname, ownedFilesUnder, parseFiles, pathsUnder, uniqueFiles } from './tree-paths.js';

/**
 * RubyGems: each installed gem has `<gem home>/specifications/<name>-<version>[-<platform>].gemspec`,
 * Ruby code that RubyGems generated (`Gem::Specification.new do |s| s.name = "x".freeze ...`). We read
 * it as text, never evaluate it. The gem's files live in `<gem home>/gems/<same basename>/`, compiled
 * extensions in `extensions/<platform>/<abi>/<basename>/`, the package in `cache/<basename>.gem`.
 * Default gems (`specifications/default/<name>-<version>.gemspec`) ship with Ruby: their code lives in
 * Ruby's standard library, so they own their gemspec and executables only, and carry `default: true`.
 * RubyGems counts a gem once per name, version and platform however many directories hold its gemspec
 * (a default gem also installed as a regular gem, a spec in two gem paths): so do we, with every
 * gemspec path in `locations`.
 */
export const gemGlobs = ['**/specifications/*.gemspec', '**/specifications/default/*.gemspec'] as const;

export interface Gemspec {
  name: string;
  version: string;
  platform?: string;
  licenses: string[];
  executables: string[];
  /** `changelog_uri`, `source_code_uri` / `homepage`, for a changelog link. */
  links?: ProjectLinks;
}

/** A Ruby string literal's content with the common escapes undone. */
function unquote(body: string): string {
  return body.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

const stringLiteral = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g;

/** String values assigned to `<var>.<field> = ...` (a single string or an array of strings). */
function assigned(text: string, field: string): string[] | undefined {
  const re = new RegExp(`^\\s*\\w+\\.${field}\\s*=\\s*(.*)$`, 'm');
  const m = re.exec(text);
  if (!m) return undefined;
  const rhs = m[1] ?? '';
  const out: string[] = [];
  // A scalar is a lone literal; an array is `[...]` on the same line.
  const scope = rhs.startsWith('[') ? rhs.slice(0, Math.max(rhs.indexOf(']'), 0) + 1) : rhs;
  for (const lit of scope.matchAll(stringLiteral)) {
    out.push(unquote(lit[1] ?? lit[2] ?? ''));
    if (!rhs.startsWith('[')) break;
  }
  return out;
}

/** Parse a generated gemspec. Throws when no name or version can be found. */
export function parseGemspec(text: string): Gemspec {
  // RubyGems writes a gem's extensions on a second `# stub:` line separated by NULs: only those may hold one.
  if (text.replace(/^# stub: .*$/gm, '').includes('\0')) throw new Error('binary content, not a gemspec');
  // `# stub: name version platform require_paths` is written by RubyGems for every installed gem.
  const stub = /^# stub: (\S+) (\S+) (\S+)/m.exec(text);
  const name = assigned(text, 'name')?.[0] ?? stub?.[1];
  // `s.version = Gem::Version.new("1.0")` appears in hand-written specs; the literal is still the version.
  const version = assigned(text, 'version')?.[0] ?? stub?.[2];
  if (!name || !version) throw new Error(`no ${name ? 'version' : 'name'} assignment found`);
  const platform = assigned(text, 'platform')?.[0] ?? (stub && stub[3] !== 'ruby' ? stub[3] : undefined);
  const spec: Gemspec = {
    name,
    version,
    licenses: assigned(text, 'licenses') ?? assigned(text, 'license') ?? [],
    executables: assigned(text, 'executables') ?? [],
  };
  if (platform !== undefined && platform !== 'ruby') spec.platform = platform;
  const links = gemProjectLinks(text);
  if (links.changelogUrl !== undefined || links.repositoryUrl !== undefined) spec.links = links;
  return spec;
}

export function catalogGems(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, Package>();
  for (const { location, layer, value: spec } of parseFiles(
    ctx.files,
    parseGemspec,
    { code: 'GEMSPEC_INVALID', what: 'gemspec' },
    problems,
  )) {
    const isDefault = basename(dirname(location)) === 'default';
    const gemHome = dirname(dirname(isDefault ? dirname(location) : location));
    const full = basename(location).slice(0, -'.gemspec'.length);
    const at = (rel: string): string => (gemHome === '' ? rel : `${gemHome}/${rel}`);
    const extras: OwnedFile[] = [{ path: location }];
    for (const rel of [`cache/${full}.gem`, ...spec.executables.map((e) => `bin/${e}`)]) {
      const entry = ctx.tree.entries.get(at(rel));
      if (entry && entry.type !== 'dir') extras.push({ path: at(rel) });
    }
    const extensions = pathsUnder(ctx.tree, at('extensions'))
      .filter((p) => p.split('/').length === at('extensions').split('/').length + 3 && basename(p) === full)
      .map((dir) => ownedFilesUnder(ctx.tree, dir));
    const files = uniqueFiles([ownedFilesUnder(ctx.tree, at(`gems/${full}`)), ...extensions, extras]);
    const key = [spec.name, spec.version, spec.platform ?? ''].join('\u0000');
    const known = seen.get(key);
    if (known) {
      // Paths come sorted, so `location` stays the first; a regular install outranks the default gem.
      known.locations = [...(known.locations ?? [known.location]), location];
      known.files = uniqueFiles([known.files, files]);
      if (!isDefault && known.metadata?.default === 'true') {
        delete known.metadata.default;
        if (spec.links) known.metadata = { ...known.metadata, ...linkMetadata(spec.links) };
        if (Object.keys(known.metadata).length === 0) delete known.metadata;
        const changelog = known.changelog ?? packageChangelogIn(ctx, at(`gems/${full}`), 'gem');
        if (changelog) known.changelog = changelog;
      }
      continue;
    }
    const pkg: Package = {
      ecosystem: 'gem',
      name: spec.name,
      version: spec.version,
      location,
      layer,
      files,
    };
    if (spec.licenses.length > 0) pkg.license = spec.licenses.join(' OR '); // several gem licenses are a choice
    if (spec.platform !== undefined) pkg.arch = spec.platform;
    const metadata = {
      ...(isDefault ? { default: 'true' } : {}),
      ...(spec.links ? linkMetadata(spec.links) : {}),
    };
    if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
    const changelog = packageChangelogIn(ctx, at(`gems/${full}`), 'gem');
    if (changelog) pkg.changelog = changelog;
    seen.set(key, pkg);
    packages.push(pkg);
  }
  return { packages, problems };
}

export const gemCataloger: Cataloger = {
  id: 'gem',
  ecosystem: 'gem',
  globs: gemGlobs,
  stateGlobs: [],
  catalog: catalogGems,
};
