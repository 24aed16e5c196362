import type { ContentProbe, ProbeRun } from '../../layers/types.js';
import type { EntrySink, InflateBudget } from './inflate-sink.js';
import { ZipLocalStream, type ZipEntry } from './zip-stream.js';

/**
 * Maven coordinates inside Java archives (.jar, .war, .ear), read while the layer streams:
 * `META-INF/maven/<groupId>/<artifactId>/pom.properties` (one per artifact; shaded jars hold several) and
 * `META-INF/MANIFEST.MF` (Implementation-Title/Version, Bundle-SymbolicName/Version) as a fallback.
 * Only those entries are inflated, each capped at MAX_ENTRY_BYTES.
 *
 * Archives nested inside the archive (a war's WEB-INF/lib/*.jar, Spring Boot's BOOT-INF/lib/*.jar, an
 * ear's wars and jars) are read the same way while they stream past, stored or deflated, recursively.
 * Bounds, shared by everything below one file on disk: MAX_DEPTH levels of nesting, MAX_ARCHIVES nested
 * archives, and MAX_INFLATED bytes produced by inflating nested entries (a nested zip bomb stops there).
 * Past a bound the rest is not read and the result says so in `problems`.
 */

export interface PomProperties {
  groupId: string;
  artifactId: string;
  version: string;
  /** Entry the coordinates came from. */
  path: string;
}

export interface JarManifest {
  title?: string;
  version?: string;
  vendor?: string;
  bundleName?: string;
  bundleVersion?: string;
}

/** One archive nested inside the file (at any depth). */
export interface NestedArchive {
  /** Entry names from the outer file down, joined by `!/` (`app.war!/WEB-INF/lib/x.jar`). */
  path: string;
  poms: PomProperties[];
  manifest?: JarManifest;
}

export interface JarMavenInfo {
  poms: PomProperties[];
  manifest?: JarManifest;
  /** How many archives were found inside this one, at any depth (read or not). */
  nested?: number;
  /** The nested archives that were read, in the order they ended. */
  archives?: NestedArchive[];
  problems?: string[];
}

export const MAX_ENTRY_BYTES = 64 * 1024;
export const MAX_DEPTH = 4;
export const MAX_ARCHIVES = 2000;
export const MAX_INFLATED = 512 * 1024 * 1024;
const MAX_POMS = 1000;
const MAX_PROBLEMS = 10;
const POM = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';
const ARCHIVE = /\.(jar|war|ear)$/i;

/** Java .properties, the subset pom.properties uses: `key=value` / `key: value`, `#`/`!` comments. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // `s`: `.` also takes U+2028/U+2029, so `(.*)$` cannot fail and send the three `\s` runs
    // backtracking against each other (a 3,000-space line with two U+2028 took 82 s).
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/s.exec(line);
    if (m?.[1] !== undefined) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

/** The main section of a MANIFEST.MF (headers up to the first empty line; continuation lines start with a space). */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n|\r/)) {
    if (line === '') break;
    if (line.startsWith(' ') && last !== undefined) {
      out.set(last, (out.get(last) ?? '') + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}

/** What every level of one file's archive tree shares: the bounds and the results. */
interface Shared {
  budget: InflateBudget;
  seen: number;
  read: number;
  archives: NestedArchive[];
  problems: string[];
  told: Set<string>;
}

/** One archive level: reads its own pom.properties and manifest, and hands nested archives to children. */
class ArchiveReader {
  readonly poms: PomProperties[] = [];
  manifest: JarManifest | undefined;
  readonly zip: ZipLocalStream;

  constructor(
    private readonly shared: Shared,
    private readonly path: string,
    private readonly depth: number,
  ) {
    this.zip = new ZipLocalStream(
      {
        wants: (name) => name === MANIFEST || POM.test(name),
        nested: (name) => this.nested(name),
        inflateBudget: shared.budget,
        maxEntryBytes: MAX_ENTRY_BYTES,
      },
      (entry) => this.onEntry(entry),
    );
  }

  private where(name: string): string {
    return this.path === '' ? name : `${this.path}!/${name}`;
  }

  problem(message: string): void {
    const list = this.shared.problems;
    if (list.length < MAX_PROBLEMS) list.push(message);
  }

  /** Tell a bound once per file, not once per archive past it. */
  private once(key: string, message: string): undefined {
    if (!this.shared.told.has(key)) {
      this.shared.told.add(key);
      this.problem(message);
    }
    return undefined;
  }

  private nested(name: string): EntrySink | undefined {
    if (!ARCHIVE.test(name)) return undefined;
    this.shared.seen++;
    if (this.depth + 1 > MAX_DEPTH)
      return this.once(
        'depth',
        `archives nested more than ${MAX_DEPTH} deep are not read (${this.where(name)})`,
      );
    if (this.shared.read >= MAX_ARCHIVES)
      return this.once('count', `more than ${MAX_ARCHIVES} nested archives: the rest are not read`);
    this.shared.read++;
    const child = new ArchiveReader(this.shared, this.where(name), this.depth + 1);
    return {
      write: (bytes) => child.zip.write(bytes),
      end: (problem) => child.finish(problem),
      get done() {
        return child.zip.done;
      },
    };
  }

  /** A nested archive ended: close its zip stream and keep what it named. */
  finish(problem?: string): void {
    this.zip.end();
    if (problem !== undefined) this.problem(`${this.path}: ${problem}`);
    else if (this.zip.problem !== undefined) this.problem(`${this.path}: ${this.zip.problem}`);
    const archive: NestedArchive = { path: this.path, poms: this.poms };
    if (this.manifest) archive.manifest = this.manifest;
    this.shared.archives.push(archive);
  }

  private onEntry(entry: ZipEntry): void {
    const name = this.where(entry.name);
    if (entry.problem !== undefined || entry.data === undefined)
      return this.problem(`${name}: ${entry.problem ?? 'no data'}`);
    const text = entry.data.toString('utf8');
    if (entry.name === MANIFEST) {
      const m = parseManifest(text);
      const manifest: JarManifest = {};
      const set = (key: keyof JarManifest, header: string): void => {
        const v = m.get(header);
        if (v) manifest[key] = v;
      };
      set('title', 'Implementation-Title');
      set('version', 'Implementation-Version');
      set('vendor', 'Implementation-Vendor');
      set('bundleName', 'Bundle-SymbolicName');
      set('bundleVersion', 'Bundle-Version');
      if (Object.keys(manifest).length > 0) this.manifest = manifest;
      return;
    }
    const p = parseProperties(text);
    const groupId = p.get('groupId');
    const artifactId = p.get('artifactId');
    const version = p.get('version');
    if (!groupId || !artifactId || !version)
      return this.problem(`${name}: groupId, artifactId or version missing`);
    if (this.poms.length < MAX_POMS) this.poms.push({ groupId, artifactId, version, path: entry.name });
  }
}

class JarMavenRun implements ProbeRun<JarMavenInfo> {
  private readonly shared: Shared;
  private readonly root: ArchiveReader;

  constructor(maxInflated: number) {
    this.shared = {
      budget: { remaining: maxInflated, limit: maxInflated },
      seen: 0,
      read: 0,
      archives: [],
      problems: [],
      told: new Set(),
    };
    this.root = new ArchiveReader(this.shared, '', 0);
  }

  write(chunk: Buffer): void {
    this.root.zip.write(chunk);
  }

  end(): JarMavenInfo | undefined {
    this.root.zip.end();
    if (this.root.zip.problem !== undefined) this.root.problem(this.root.zip.problem);
    const info: JarMavenInfo = { poms: this.root.poms };
    if (this.root.manifest) info.manifest = this.root.manifest;
    if (this.shared.seen > 0) info.nested = this.shared.seen;
    if (this.shared.archives.length > 0) info.archives = this.shared.archives;
    if (this.shared.problems.length > 0) info.problems = this.shared.problems;
    return info;
  }
}

export function createJarMavenProbe(options: { maxInflated?: number } = {}): ContentProbe<JarMavenInfo> {
  const maxInflated = options.maxInflated ?? MAX_INFLATED;
  return {
    id: 'jar-maven',
    version: 2,
    // The budget changes what a big archive yields, so it is part of the cache key.
    options: `maxInflated=${maxInflated}`,
    matches: (path, size) => size >= 22 && ARCHIVE.test(path),
    start: () => new JarMavenRun(maxInflated),
  };
}

export const jarMavenProbe = createJarMavenProbe();
