import type { ContentProbe, ProbeRun } from '../../layers/types.js';
import { ZipLocalStream, type ZipEntry } from './zip-stream.js';

/**
 * Maven coordinates inside Java archives (.jar, .war, .ear), read while the layer streams:
 * `META-INF/maven/<groupId>/<artifactId>/pom.properties` (one per artifact; shaded jars hold several) and
 * `META-INF/MANIFEST.MF` (Implementation-Title/Version, Bundle-SymbolicName/Version) as a fallback.
 * Only those entries are inflated, each capped at MAX_ENTRY_BYTES. Archives nested inside the archive
 * (a war's WEB-INF/lib/*.jar, Spring Boot's BOOT-INF/lib/*.jar) are out of scope: their coordinates are
 * not read, which the result's `nested` count makes visible.
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

export interface JarMavenInfo {
  poms: PomProperties[];
  manifest?: JarManifest;
  /** Archives inside this one (not read). */
  nested?: number;
  problems?: string[];
}

export const MAX_ENTRY_BYTES = 64 * 1024;
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
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
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

class JarMavenRun implements ProbeRun<JarMavenInfo> {
  private readonly info: JarMavenInfo = { poms: [] };
  private readonly zip: ZipLocalStream;
  private nested = 0;

  constructor() {
    this.zip = new ZipLocalStream(
      {
        wants: (name) => {
          if (ARCHIVE.test(name)) this.nested++;
          return name === MANIFEST || POM.test(name);
        },
        maxEntryBytes: MAX_ENTRY_BYTES,
      },
      (entry) => this.onEntry(entry),
    );
  }

  private problem(message: string): void {
    const list = (this.info.problems ??= []);
    if (list.length < MAX_PROBLEMS) list.push(message);
  }

  private onEntry(entry: ZipEntry): void {
    if (entry.problem !== undefined || entry.data === undefined)
      return this.problem(`${entry.name}: ${entry.problem ?? 'no data'}`);
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
      if (Object.keys(manifest).length > 0) this.info.manifest = manifest;
      return;
    }
    const p = parseProperties(text);
    const groupId = p.get('groupId');
    const artifactId = p.get('artifactId');
    const version = p.get('version');
    if (!groupId || !artifactId || !version)
      return this.problem(`${entry.name}: groupId, artifactId or version missing`);
    if (this.info.poms.length < MAX_POMS)
      this.info.poms.push({ groupId, artifactId, version, path: entry.name });
  }

  write(chunk: Buffer): void {
    this.zip.write(chunk);
  }

  end(): JarMavenInfo | undefined {
    this.zip.end();
    if (this.zip.problem !== undefined) this.problem(this.zip.problem);
    if (this.nested > 0) this.info.nested = this.nested;
    const { poms, manifest, problems } = this.info;
    return poms.length > 0 || manifest !== undefined || problems !== undefined ? this.info : undefined;
  }
}

export const jarMavenProbe: ContentProbe<JarMavenInfo> = {
  id: 'jar-maven',
  version: 1,
  matches: (path, size) => size >= 22 && ARCHIVE.test(path),
  start: () => new JarMavenRun(),
};
