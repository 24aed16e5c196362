import type { Cataloger, CatalogContext, CatalogResult, OwnedFile, Package, Problem } from '../types.js';
import { lines } from '../../util/lines.js';
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

/**
 * The string literals (`"..."` or `'...'`, backslash escapes, on one line) in `text`, at most `max` of
 * them. A scan, not a regex: an unterminated literal ends the scan, where a regex would retry from
 * every later quote (quadratic on a line of escaped quotes).
 */
function stringLiterals(text: string, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < max) {
    const dq = text.indexOf('"', i);
    const sq = text.indexOf("'", i);
    const open = dq < 0 ? sq : sq < 0 ? dq : Math.min(dq, sq);
    if (open < 0) break;
    const quote = text.charCodeAt(open);
    let j = open + 1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === quote || c === 10) break;
      j += c === 92 ? 2 : 1; // a backslash escapes the next character
    }
    if (j >= text.length || text.charCodeAt(j) !== quote) break;
    out.push(unquote(text.slice(open + 1, j)));
    i = j + 1;
  }
  return out;
}

/**
 * `<var>.<field> = <rest of line>` on one line. Matched line by line, anchored, with no `\s` that
 * could span newlines: the whole-text multiline form backtracked over runs of blank lines (a 120 KB
 * gemspec of newlines took 115 s).
 */
const assignment = /^\s*\w+\.(\w+)\s*=\s*(.*)$/m;

/** String values of a right-hand side: a single string, or an array of strings on the same line. */
function assignedStrings(rhs: string): string[] {
  if (!rhs.startsWith('[')) return stringLiterals(rhs, 1);
  return stringLiterals(rhs.slice(0, Math.max(rhs.indexOf(']'), 0) + 1), Infinity);
}

const FIELDS = new Set(['name', 'version', 'platform', 'licenses', 'license', 'executables']);

/** Parse a generated gemspec. Throws when no name or version can be found. */
export function parseGemspec(text: string): Gemspec {
  const rhs = new Map<string, string>(); // the first assignment of each field
  let stub: string[] | undefined;
  let pending: string | undefined;
  for (const line of lines(text)) {
    // `# stub: name version platform require_paths` is written by RubyGems for every installed gem;
    // its extensions go on a second `# stub:` line separated by NULs: only those may hold one.
    if (line.startsWith('# stub: ')) {
      stub ??= stubFields(line);
      continue;
    }
    if (line.includes('\0')) throw new Error('binary content, not a gemspec');
    if (pending !== undefined) {
      // `s.name =` with its value on a later line: the first line that is not blank.
      const value = line.trimStart();
      if (value === '') continue;
      rhs.set(pending, value);
      pending = undefined;
    }
    const m = assignment.exec(line);
    if (m === null) continue;
    const field = m[1] as string;
    if (!FIELDS.has(field) || rhs.has(field)) continue;
    rhs.set(field, m[2] ?? '');
    if (m[2] === '') pending = field;
  }
  const assigned = (field: string): string[] | undefined => {
    const value = rhs.get(field);
    return value === undefined ? undefined : assignedStrings(value);
  };
  const name = assigned('name')?.[0] ?? stub?.[0];
  // `s.version = Gem::Version.new("1.0")` appears in hand-written specs; the literal is still the version.
  const version = assigned('version')?.[0] ?? stub?.[1];
  if (!name || !version) throw new Error(`no ${name ? 'version' : 'name'} assignment found`);
  const platform = assigned('platform')?.[0] ?? (stub && stub[2] !== 'ruby' ? stub[2] : undefined);
  const spec: Gemspec = {
    name,
    version,
    licenses: assigned('licenses') ?? assigned('license') ?? [],
    executables: assigned('executables') ?? [],
  };
  if (platform !== undefined && platform !== 'ruby') spec.platform = platform;
  const links = gemProjectLinks(text);
  if (links.changelogUrl !== undefined || links.repositoryUrl !== undefined) spec.links = links;
  return spec;
}

/** `# stub: name version platform ...`: its first three space-separated words, when it has them. */
function stubFields(line: string): string[] | undefined {
  const m = /^# stub: (\S+) (\S+) (\S+)/.exec(line);
  return m === null ? undefined : [m[1] as string, m[2] as string, m[3] as string];
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
