/**
 * The "world form" of a golden changelog of the Debian world images: what the build script decides,
 * kept as rendered; what changes from build to build, masked.
 *
 * The world images are built on each machine from Debian's live archive. A rebuild from the same
 * archive gives other digests, compressed sizes and creation dates; a later rebuild also picks up the
 * security updates and point releases published since, which change package versions, which packages
 * were upgraded, their changelog entries and CVEs, and every count that follows. So, in this form:
 *
 * - digests, byte sizes, percentages and dates are `<digest>`, `<size>`, `<pct>` and `<date>`;
 * - every package version of the report is `<version>`;
 * - anything about a package the archive upgraded, downgraded or rebuilt (its rows, its changelog
 *   entries, its CVEs, the files it owns) is folded into one `⋯` per run;
 * - the counts that follow from that are `#`.
 *
 * What stays is what a regression would change: every section, heading, column and label, the
 * packages the build script adds and removes, the non-packaged files, settings, attention items and
 * package files changed by hand. The package sets themselves are checked against dpkg-query on the
 * extracted images by the golden test, which reads the raw report.
 */
import type { Changes, PackageChange } from '../../src/diff/types.js';
import type { GoldenFormat } from './golden-cases.js';

/** The marker for a run of lines (or array items) the Debian archive decides. */
export const FOLDED = '⋯';

const NOTE =
  'world form: digests, sizes, dates, versions and counts masked; what the Debian archive decides folded to ⋯ (see __tests__/golden/world-form.ts)';

/** What the archive decides in one comparison: the packages whose version changed, every version. */
export interface ArchiveFacts {
  /** Names of the packages upgraded, downgraded or rebuilt between the two images. */
  readonly moved: readonly string[];
  /** Every version string the report shows. */
  readonly versions: readonly string[];
}

export function archiveFacts(changes: Changes): ArchiveFacts {
  const versions = new Set<string>();
  const moved = new Set<string>();
  for (const p of changes.packages as readonly PackageChange[]) {
    for (const side of [p.before, p.after]) {
      if (!side) continue;
      versions.add(side.version);
      if (side.source?.version) versions.add(side.source.version);
    }
    if (p.kind !== 'added' && p.kind !== 'removed') moved.add(p.name);
  }
  return { moved: [...moved], versions: [...versions].filter((v) => v !== '') };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const alternation = (names: readonly string[]): string =>
  [...names]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');

/** Versions as whole tokens (not inside a longer version, name or path). */
function versionPattern(versions: readonly string[]): RegExp | undefined {
  if (versions.length === 0) return undefined;
  return new RegExp(`(?<![\\w.+/-])(?:${alternation(versions)})(?![\\w+/-]|\\.\\w)`, 'g');
}

/**
 * A package named where the renderers name a package: `name` or <b>name</b> in markdown, a text
 * row that starts with it or a [name (dpkg)] owner, "package name" in an attention item. (A bare
 * word is not enough: `dpkg` is both a package and every row's ecosystem.)
 */
function packagePattern(names: readonly string[]): RegExp | undefined {
  if (names.length === 0) return undefined;
  const n = `(?:${alternation(names)})`;
  return new RegExp(`\`${n}\`|<b>${n}</b>|^\\s+${n} \\(|\\[${n} \\(|package ${n}(?![\\w.+-])`);
}

/** Digests, sizes, percentages, dates and versions masked in one line of text. */
function maskBytes(line: string, versions: RegExp | undefined): string {
  let out = line
    .replace(/sha256:[0-9a-f]{12,64}/g, 'sha256:<digest>')
    .replace(/\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z)?/g, '<date>')
    .replace(/\(?[+-]?\d+(?:\.\d+)?%\)?/g, (m) => (m.startsWith('(') ? '(<pct>)' : '<pct>'))
    .replace(/[+-]?\d[\d,]*(?:\.\d+)? (?:B|kB|MB|GB|TB)\b/g, '<size>');
  if (versions) out = out.replace(versions, '<version>');
  return out;
}

/** Counts: integers standing alone (not part of a name, path, port, id or mode like 1000:1000). */
function maskCounts(line: string): string {
  return line.replace(/(^|[^\w.:/#<-])([-+±]?)\d[\d,]*(?![\w.:/%>-])/g, '$1$2#');
}

const CVE_OR_BUG = /\bCVE-\d{4}-\d+\b|\bDebian#\d+\b/;

/** Markdown or text in world form. */
function textForm(text: string, facts: ArchiveFacts, format: 'markdown' | 'text'): string {
  const versions = versionPattern(facts.versions);
  const moved = packagePattern(facts.moved);
  const lines: string[] = [format === 'markdown' ? `<!-- ${NOTE} -->` : `# ${NOTE}`];
  // Inside the markdown "Why they changed" block every line is about the packages that moved.
  let whyDepth = 0;
  for (const line of text.replace(/\n$/, '').split('\n')) {
    let folded = whyDepth > 0;
    if (whyDepth > 0) {
      whyDepth += (line.match(/<details/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
      if (whyDepth <= 0) folded = false; // the block's own closing tag stays
    } else if (format === 'markdown' && line.includes('<b>Why they changed</b>')) whyDepth = 1;
    if (!folded) folded = (moved?.test(line) ?? false) || CVE_OR_BUG.test(line);
    const next = folded ? FOLDED : maskCounts(maskBytes(line, versions));
    if (!(next === FOLDED && lines.at(-1) === FOLDED)) lines.push(next);
  }
  return `${lines.join('\n')}\n`;
}

const COUNT_KEY = /size$|count$|changes$|^(?:added|removed|modified|metadata|upgraded|downgraded|rebuilt|excluded|unexplained|settings|shared|files)$/i;

/** The JSON report in world form: the same tree, masked and folded. */
function jsonForm(json: string, facts: ArchiveFacts): string {
  const versions = new Set(facts.versions);
  const moved = new Set(facts.moved);
  const named = packagePattern(facts.moved);
  /** A package change, a file owned by a package, or an item naming a CVE, the archive decides. */
  const aboutArchive = (item: unknown, key: string): boolean => {
    if (item !== null && typeof item === 'object') {
      const record = item as { kind?: unknown; owners?: unknown };
      if (key === 'packages' && record.kind !== 'added' && record.kind !== 'removed') return true;
      if (
        Array.isArray(record.owners) &&
        record.owners.some((o) => typeof o === 'string' && moved.has(o.slice(o.indexOf(':') + 1)))
      )
        return true;
    }
    const text = JSON.stringify(item);
    return CVE_OR_BUG.test(text) || (named?.test(text) ?? false);
  };
  const walk = (value: unknown, key: string, inCounts: boolean): unknown => {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        const next = aboutArchive(item, key) ? FOLDED : walk(item, key, inCounts);
        if (!(next === FOLDED && out.at(-1) === FOLDED)) out.push(next);
      }
      return out;
    }
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const sizeSetting = typeof record.key === 'string' && record.key.startsWith('size.');
      return Object.fromEntries(
        Object.entries(record).map(([k, v]) => [
          k,
          sizeSetting && (k === 'before' || k === 'after')
            ? '<size>'
            : walk(v, k, inCounts || k === 'counts'),
        ]),
      );
    }
    if (typeof value === 'number') return inCounts || COUNT_KEY.test(key) ? '#' : value;
    if (typeof value === 'string') {
      if (versions.has(value)) return '<version>';
      if (key === 'created') return '<date>';
      return maskBytes(value, undefined);
    }
    return value;
  };
  return `${JSON.stringify({ worldForm: NOTE, report: walk(JSON.parse(json), '', false) }, null, 2)}\n`;
}

/** A rendered output of a world comparison in world form. */
export function worldForm(output: string, format: GoldenFormat, facts: ArchiveFacts): string {
  return format === 'json' ? jsonForm(output, facts) : textForm(output, facts, format);
}
